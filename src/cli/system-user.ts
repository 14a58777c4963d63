import { userInfo } from 'node:os';

/** Who ran the command, for the records a command writes: the operating system's user. */
export function systemUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}
