/** When to restart the language server after it crashed, and when to give up and tell the user. */

/** What to do after a crash. */
export type RestartDecision = { restart: true } | { restart: false; message: string };

/** Restarts after a crash unless the server crashed `maxCrashes` times within `windowMs` (then it is likely broken). */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxCrashes = 5,
    readonly windowMs = 3 * 60 * 1000,
  ) {}

  /** Records a crash at `now` (ms) and decides what to do. */
  onCrash(now: number): RestartDecision {
    this.crashes = [...this.crashes.filter((time) => now - time < this.windowMs), now];
    if (this.crashes.length < this.maxCrashes) return { restart: true };
    const minutes = Math.round(this.windowMs / 60000);
    return {
      restart: false,
      message: `The Inoculate language server crashed ${this.crashes.length} times in ${minutes} minute${minutes === 1 ? '' : 's'} and was not restarted. See the output for details, then run 'Inoculate: Restart Language Server'.`,
    };
  }

  /** Forgets past crashes (after a restart the user asked for). */
  reset(): void {
    this.crashes = [];
  }
}
