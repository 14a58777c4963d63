/** Whether a port is free, asked before a server (or the files it needs) is touched. */
import { createServer } from 'node:net';

/** Whether something already listens on host:port (tried by listening and closing at once). */
export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}
