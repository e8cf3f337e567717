/**
 * A small given/when/then harness for the care-episode decider (test code only: exported through
 * `@careflow/domain/testing`, never from the package itself). `given` takes commands, not events, so each spec states history in the clinic's
 * words; every given command must be accepted, or the spec fails at once with the refusal.
 * Commands are typed; a spec that sends a malformed command on purpose says so with `malformed`.
 */
import type { CareEpisodeCommand } from '../care-episode/commands';
import { decide } from '../care-episode/decide';
import type { CareEpisodeEvent } from '../care-episode/events';
import { evolve } from '../care-episode/evolve';
import { initialState, type CareEpisodeState } from '../care-episode/state';
import { DomainError, type DomainErrorCode } from '../errors';
import { defaultDepartmentSettings, type DepartmentSettings } from '../settings';

export interface History {
  readonly state: CareEpisodeState;
  readonly events: readonly CareEpisodeEvent[];
}

/** A value sent as a command although it is not one: the spec is about how `decide` refuses it. */
export interface Malformed {
  readonly malformed: unknown;
}

/** The one way to send a malformed command through the harness. */
export const malformed = (value: unknown): Malformed => ({ malformed: value });

const asSent = (command: CareEpisodeCommand | Malformed): unknown => ('malformed' in command ? command.malformed : command);

export const replay = (commands: readonly CareEpisodeCommand[], settings: DepartmentSettings = defaultDepartmentSettings): History =>
  commands.reduce<History>(
    (history, command, index) => {
      const result = decide(command, history.state, settings);
      if (result instanceof DomainError) {
        throw new Error(`given command #${index} (${command.type}) was refused: ${result.code} ${result.message}`);
      }
      return { state: result.reduce(evolve, history.state), events: [...history.events, ...result] };
    },
    { state: initialState, events: [] },
  );

type DeepPartial<T> =
  T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial<U>> : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Some fields of one event, matched like `toMatchObject` (nested objects and lists too). */
type EventExpectation = {
  [E in CareEpisodeEvent as E['type']]: DeepPartial<E> & { readonly type: E['type'] };
}[CareEpisodeEvent['type']];

export const given = (commands: readonly CareEpisodeCommand[], settings: DepartmentSettings = defaultDepartmentSettings) => {
  const history = replay(commands, settings);
  return {
    history,
    when: (command: CareEpisodeCommand | Malformed) => {
      const result = decide(asSent(command), history.state, settings);
      const refused = (): DomainError | undefined => (result instanceof DomainError ? result : undefined);
      return {
        result,
        /** The exact list of event types, each matched against the given fields. */
        then: (expected: readonly EventExpectation[]): void => {
          const refusal = refused();
          if (refusal) throw new Error(`expected events, got refusal ${refusal.code}: ${refusal.message}`);
          expect((result as CareEpisodeEvent[]).map((event) => event.type)).toEqual(expected.map((event) => event.type));
          expect(result).toMatchObject(expected);
        },
        thenRefused: (code: DomainErrorCode, message?: RegExp): void => {
          expect(result).toBeInstanceOf(DomainError);
          const refusal = result as DomainError;
          expect({ code: refusal.code, message: refusal.message }).toEqual({
            code,
            message: message ? expect.stringMatching(message) : expect.any(String),
          });
        },
        /** The state after the decided events; fails the spec when the command was refused. */
        state: (): CareEpisodeState => {
          const refusal = refused();
          if (refusal) throw new Error(`expected events, got refusal ${refusal.code}: ${refusal.message}`);
          return (result as CareEpisodeEvent[]).reduce(evolve, history.state);
        },
      };
    },
  };
};
