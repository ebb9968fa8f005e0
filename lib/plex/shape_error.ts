/** The error of a Plex answer that is JSON but not the shape we expect (exit code 4). */
import { RemoteError } from "../errors.ts";

/** A Plex answer that is JSON but not the shape we expect. Exit code 4 via `RemoteError`. */
export class PlexShapeError extends RemoteError {
  constructor(
    /** What was being read, e.g. `library listing`. */
    readonly what: string,
    /** Where the shape broke, e.g. `MediaContainer.Metadata[3].ratingKey: expected string`. */
    readonly where: string,
    /** Which server answered, e.g. `Plex server "Main" ([plex:0] url)`; the parsers don't know. */
    readonly server = "Plex",
  ) {
    super(
      `${server} answered an unexpected ${what} (${where}). Check the server URL and PMS version`,
      "plex",
    );
  }

  /** The same error, naming the server that answered. */
  from(server: string): PlexShapeError {
    return new PlexShapeError(this.what, this.where, server);
  }
}
