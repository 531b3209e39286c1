// Bounds how long a caller waits for work it cannot cancel (a Redis command waiting for its
// connection, a database probe). The work itself goes on; a failure after the deadline is
// handled (by the race) and goes nowhere.
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
