// Our own declaration of the small part of ari-client Doorman uses. @types/ari-client is
// incomplete for Asterisk 22 (externalMedia's transport_data, channelvars on channels), and
// Doorman only calls the generated REST operations, which all share one shape.
declare module 'ari-client' {
  type Operation = (params?: Record<string, unknown>) => Promise<unknown>;
  export interface Client {
    [resource: string]: unknown;
  }
  export function connect(url: string, user: string, pass: string): Promise<Client>;
  const ari: { connect: typeof connect };
  export default ari;
  export type { Operation };
}
