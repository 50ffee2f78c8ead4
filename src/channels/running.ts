/** A started platform channel, as the entry point and the readiness check see it. */
export interface RunningChannel {
  name: string;
  /** Connected to the platform and taking updates (for /readyz). */
  ready(): boolean;
  /** Stops taking updates, finishes those in flight, closes the platform connection. */
  stop(): Promise<void>;
}
