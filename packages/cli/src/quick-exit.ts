/**
 * Ends the process as soon as its event loop has nothing left to do
 * ('beforeExit': no handle, request or timer is pending — a server still
 * listening, a write still flushing keep it from firing), without Node
 * tearing down the JavaScript heap and the thread pool object by object:
 * ~10 ms of wall time and as much CPU after `elfkit core` on a 64-thread
 * core, whose inflated debug sections and decoded units are freed only to
 * end the process. 'exit' listeners still run (the bundle loader's code
 * caches are written before). For the `elfkit` bin only: `main()` called
 * as a library never ends its caller's process.
 */
export function exitWhenIdle(): void {
  process.once('beforeExit', () => process.exit());
}
