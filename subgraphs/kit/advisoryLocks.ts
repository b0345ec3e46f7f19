/**
 * PostgreSQL advisory lock keys of a subgraph's database, one per job that runs in one replica at a time.
 * Any numbers, the same in every process of an authority, distinct from each other; the access-log sequencer
 * holds 7_106_016 (accessLog/sequencer.ts).
 */
export const ADVISORY_LOCKS = {
  /** Held for its session by the replica whose relay delivers the outbox (outbox.ts). */
  outboxRelay: 7_106_017,
  /** Held while a replica runs the migrations and the first-start seed (main.ts). */
  startup: 7_106_018,
  /**
   * Held for its session while a replica sends the latest checkpoint to the witnesses (accessLog/witness.ts): two
   * replicas sending at once could deliver an older checkpoint after a newer one, which a witness must refuse.
   */
  witnessSend: 7_106_019,
} as const;
