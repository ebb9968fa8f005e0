/** The release version, stamped into the binary and sent in every User-Agent. */
export const VERSION = "0.1.0";
export const USER_AGENT = `complexionist/${VERSION}`;
