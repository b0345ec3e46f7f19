import type { EntityManager } from 'typeorm';
import type { CommandRun } from '../kit/commands';
import { userError } from '../kit/errors';
import { enqueue } from '../kit/outbox';
import { actOn } from '../kit/mutationPolicy';
import type { Principal } from '../../runtime/principal';
import { cardInForce, CARRIES_FUNCTION, endCard, issueCard, lockHolder, type CardRow, type HolderRow } from './cards';
import { recordExpiry } from './expiry';
import { statusOnDay } from './rules/myNumberCardExpiry';

/** Locks the holder if the caller may act on them (mutation policy); otherwise the one not-found answer. */
async function holderFor(m: EntityManager, run: CommandRun, principal: Principal, myNumber: string): Promise<HolderRow> {
  return actOn(run.grant, principal, await lockHolder(m, myNumber));
}

/** Whether the card carries the My Number function on `today` (one past its date does not, swept or not). */
function carries(card: CardRow | null, today: string): card is CardRow {
  return card !== null && (CARRIES_FUNCTION as readonly string[]).includes(statusOnDay(card, today));
}

/** Issues a standalone My Number card; refused while a specific card carries the function or a card is held. */
export async function issueMyNumberCard(m: EntityManager, run: CommandRun, principal: Principal, myNumber: string, today: string): Promise<void> {
  const holder = await holderFor(m, run, principal, myNumber);
  const current = await cardInForce(m, myNumber);
  // A card whose date passed before the sweep came by is recorded as expired first, so the ISA hears of it in order.
  if (current && current.validUntil !== null && current.status !== statusOnDay(current, today)) {
    await recordExpiry(m, { ...current, myNumber, validUntil: current.validUntil }, holder.stayExpiresOn);
  }
  if (carries(current, today)) {
    throw current.kind === 'MY_NUMBER_CARD'
      ? userError('MY_NUMBER_CARD_ALREADY_ISSUED', 'This person already holds a My Number card')
      : userError('SPECIFIC_CARD_CARRIES_FUNCTION', 'The specific card already carries the My Number function');
  }
  await issueCard(m, holder, { kind: 'MY_NUMBER_CARD', issuedOn: today, carrierCardNumber: null, carrierValidUntil: null });
  // The ISA counts card arrangements: (b) needs to know a standalone card is held.
  await enqueue(m, { type: 'MyNumberCardIssued', key: myNumber, destination: 'immigration', payload: { myNumber, issuedOn: today } });
}

/** Ends the My Number function of the card in force (returned by the holder, or revoked by J-LIS). */
export async function endMyNumberFunction(
  m: EntityManager,
  run: CommandRun,
  principal: Principal,
  myNumber: string,
  reason: 'FUNCTION_RETURNED' | 'REVOKED_BY_AUTHORITY',
  today: string,
): Promise<void> {
  await holderFor(m, run, principal, myNumber);
  const current = await cardInForce(m, myNumber);
  if (!carries(current, today)) throw userError('NO_ACTIVE_MY_NUMBER_CARD', 'No card carries the My Number function');
  await endCard(m, current.id, 'REVOKED', reason);
  // For a specific card the ISA records the end on the card; for a standalone card it stops counting it as held.
  await enqueue(m, {
    type: 'MyNumberFunctionEnded',
    key: myNumber,
    destination: 'immigration',
    payload: { myNumber, carrierCardNumber: current.carrierCardNumber, status: 'REVOKED', reason, endedOn: today },
  });
}

/** Suspends (or resumes) the signature and user-authentication certificates of the card in force. */
export async function setCertificatesSuspended(
  m: EntityManager,
  run: CommandRun,
  principal: Principal,
  myNumber: string,
  suspend: boolean,
  today: string,
): Promise<void> {
  await holderFor(m, run, principal, myNumber);
  const current = await cardInForce(m, myNumber);
  if (!carries(current, today)) throw userError('NO_ACTIVE_MY_NUMBER_CARD', 'No card carries the My Number function');
  const [from, to] = suspend ? ['ACTIVE', 'SUSPENDED'] : ['SUSPENDED', 'ACTIVE'];
  const [, affected] = (await m.query(
    `UPDATE card_function SET status = $3
     WHERE card_id = $1 AND function <> 'CARD_FUNCTION' AND status = $2`,
    [current.id, from, to],
  )) as [unknown, number];
  if (affected === 0) {
    throw userError(
      suspend ? 'CERTIFICATES_NOT_ACTIVE' : 'CERTIFICATES_NOT_SUSPENDED',
      suspend ? 'No active certificate to suspend' : 'No suspended certificate to resume',
    );
  }
}
