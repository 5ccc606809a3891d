/** What a command may touch: two output streams and the working directory. Tests pass buffers. */
export interface IO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: IO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export function bufferIO(): IO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}
