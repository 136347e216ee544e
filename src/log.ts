import { type DestinationStream, type Logger, pino } from 'pino';
import { REDACT_PATHS } from './config/secrets.js';

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
