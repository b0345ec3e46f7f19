import { eventHandlers, RejectedEvent, type PayloadHandler } from '../kit/inbox';

const functionEnded: PayloadHandler<'MyNumberFunctionEnded'> = async (m, p) => {
  if (!p.carrierCardNumber) {
    // A standalone My Number card: nothing on the residence card changes; the ISA no longer counts it as held.
    await m.query(`UPDATE foreign_resident SET my_number_card_held = false WHERE my_number = $1`, [p.myNumber]);
    return;
  }
  const [, affected] = (await m.query(
    `UPDATE residence_card SET my_number_function_ended_on = $2, my_number_function_end_reason = $3 WHERE number = $1`,
    [p.carrierCardNumber, p.endedOn, p.reason],
  )) as [unknown, number];
  if (affected === 0) throw new RejectedEvent('UNKNOWN_CARD', `No card ${p.carrierCardNumber}`);
};

const cardIssued: PayloadHandler<'MyNumberCardIssued'> = async (m, p) => {
  // Residents the ISA keeps no record of (e.g. after birth, no card yet) have nothing to count.
  await m.query(`UPDATE foreign_resident SET my_number_card_held = true WHERE my_number = $1`, [p.myNumber]);
};

const registered: PayloadHandler<'ResidentRegistered'> = async (m, p) => {
  // ISA keeps records for card holders only; a registration without a card (e.g. after birth) has nothing to follow.
  if (!p.residenceCardNumber) return;
  // A holder keeps the My Number first linked to them: a registration naming their card again is refused (parked for
  // an operator), never a takeover of their record.
  const [, affected] = (await m.query(
    `UPDATE foreign_resident SET my_number = $2, resident_registered = true, municipality_code = $3
     WHERE id = (SELECT resident_id FROM residence_card WHERE number = $1) AND (my_number IS NULL OR my_number = $2)`,
    [p.residenceCardNumber, p.myNumber, p.municipalityCode],
  )) as [unknown, number];
  if (affected === 0) {
    const [card] = await m.query(`SELECT 1 FROM residence_card WHERE number = $1`, [p.residenceCardNumber]);
    if (!card) throw new RejectedEvent('UNKNOWN_CARD', `No card ${p.residenceCardNumber}`);
    throw new RejectedEvent('CARD_HOLDER_HAS_MY_NUMBER', `The holder of card ${p.residenceCardNumber} already has another My Number`);
  }
};

const moved: PayloadHandler<'ResidentMoved'> = async (m, p) => {
  await m.query(`UPDATE foreign_resident SET municipality_code = $2 WHERE my_number = $1`, [p.myNumber, p.municipalityCode]);
};

const removed: PayloadHandler<'ResidentRemoved'> = async (m, p) => {
  await m.query(`UPDATE foreign_resident SET resident_registered = false WHERE my_number = $1`, [p.myNumber]);
};

/** What the ISA does with the events it consumes (DESIGN.md §3 flows). */
export const EVENT_HANDLERS = eventHandlers({
  MyNumberFunctionEnded: functionEnded,
  MyNumberCardIssued: cardIssued,
  ResidentRegistered: registered,
  ResidentMoved: moved,
  ResidentRemoved: removed,
});
