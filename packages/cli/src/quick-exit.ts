/**
 * Ends the process as soon as the event loop has nothing left to do, without
 * tearing down the JavaScript heap and the thread pool one object at a time
 * (Node's normal exit: ~10 ms of wall time and twice that of CPU after
 * `elfkit core` on a 64-thread core, whose inflated debug sections and
 * decoded units are freed only to end the process). For a command whose
 * output went out synchronously (`writeOut`) and that leaves nothing
 * running: the bundle loader's work before exit (code caches, V8's
 * background compiles) is done by then, and 'exit' listeners still run.
 */
export function exitWhenIdle(): void {
  process.once('beforeExit', () => process.exit());
}
