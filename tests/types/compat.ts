// The hand-written declarations (pkg/index.d.ts, from npm/) must name exactly the members wasm-bindgen generates
// (pkg/clerk_wasm.d.ts, from the Rust source): a method added or renamed in Rust fails this check until the
// hand-written file follows. Type-checked only.
import type * as Hand from "clerk-wasm";
import type * as Gen from "clerk-wasm/clerk_wasm.js";

type Same<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : { missing: Exclude<keyof B, keyof A>; extra: Exclude<keyof A, keyof B> };
type Check<T extends true> = T;

export type Members = [
  Check<Same<Hand.Clerk, Gen.Clerk>>,
  Check<Same<Hand.Client, Gen.Client>>,
  Check<Same<Hand.Session, Gen.Session>>,
  Check<Same<Hand.User, Gen.User>>,
  Check<Same<Hand.SignIn, Gen.SignIn>>,
  Check<Same<Hand.SignUp, Gen.SignUp>>,
  Check<Same<Hand.UserButtonProps, Gen.UserButtonProps>>,
  Check<Same<Hand.SignInProps, Gen.SignInProps>>,
  Check<Same<Hand.SignUpProps, Gen.SignUpProps>>,
  Check<Same<Hand.Appearance, Gen.Appearance>>,
];

// The hand-written types are at least as precise: each is usable where the generated one is expected.
export function assignable(h: { c: Hand.Clerk; s: Hand.Session; u: Hand.User; i: Hand.SignIn; p: Hand.SignUp; l: Hand.Client }) {
  const c: Gen.Clerk = h.c;
  const s: Gen.Session = h.s;
  const u: Gen.User = h.u;
  const i: Gen.SignIn = h.i;
  const p: Gen.SignUp = h.p;
  const l: Gen.Client = h.l;
  void [c, s, u, i, p, l];
}
