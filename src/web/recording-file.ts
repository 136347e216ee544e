import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { NotFoundError } from '../errors.js';
import { HttpError } from './http-errors.js';

/**
 * The file a call's recording names, if it really lies inside the recordings folder. The path
 * comes from the database (which another PBX may share), so it is not trusted: it is resolved
 * with every symlink followed and refused unless the result is still inside `dir`.
 */
export async function recordingFile(dir: string, callId: string, recording: string | null): Promise<string> {
  if (!recording) throw new NotFoundError('recording for call', callId);
  let root: string;
  let file: string;
  try {
    root = await realpath(resolve(dir));
    file = await realpath(resolve(root, recording));
  } catch {
    throw new NotFoundError('recording for call', callId);
  }
  const rel = relative(root, file);
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new HttpError(403, 'OUTSIDE_RECORDINGS', 'the recording is not in the recordings folder', {
      callId,
    });
  if (!(await stat(file)).isFile()) throw new NotFoundError('recording for call', callId);
  return file;
}
