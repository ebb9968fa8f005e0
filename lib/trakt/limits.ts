/**
 * Trakt's collection ("library") limits as announced in 2026 (trakt-api.md §10): not in any
 * API answer, so inferred from `user.vip`.
 */
export const FREE_LIMIT = 1_000;
export const VIP_LIMIT = 100_000;

export function accountLimitFor(vip: boolean): number {
  return vip ? VIP_LIMIT : FREE_LIMIT;
}
