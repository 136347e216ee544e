import { type DestinationStream, type Logger, pino } from 'pino';

/** Anything that could carry a secret is censored wherever it appears in a log line. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'pin',
  '*.pin',
  '*.*.pin',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'api_key',
  '*.api_key',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'doorman',
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
