import { clear, createStore, get, set } from 'idb-keyval';

/** A class's students as the register lists them, kept so the register can open without a connection. */
export interface Roster {
  readonly classId: string;
  readonly className: string;
  readonly students: readonly { id: string; givenName: string; familyName: string; admissionNo: string }[];
}

const store = createStore('campus-rosters', 'rosters');

export const rememberRoster = (roster: Roster) => set(roster.classId, roster, store).catch(() => undefined);

export const rosterFor = (classId: string) => get<Roster>(classId, store).catch(() => undefined);

/** On sign-out: the next person on this device must not find this class's names. */
export const forgetRosters = () => clear(store).catch(() => undefined);
