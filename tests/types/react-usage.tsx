// Exercises "clerk-wasm/react" as the guide's Clerk React snippets do; type-checked only.
import {
  ClerkProvider,
  SignIn,
  SignUp,
  SignedIn,
  SignedOut,
  UserButton,
  useClerk,
  useSession,
  useUser,
} from "clerk-wasm/react";

export const Header = () => {
  return (
    <header>
      <h1>My application</h1>
      <UserButton />
    </header>
  );
};

export function Accounts() {
  // Getting the active session and user
  const { session: activeSession, user: activeUser } = useClerk();
  const { client, setSession, setActive, signOutOne, signOut } = useClerk();
  // You can retrieve all the available sessions through the client
  const availableSessions = client.sessions;
  return (
    <section>
      <p>{activeUser?.fullName ?? activeSession?.publicUserData?.identifier}</p>
      {availableSessions.map((s) => (
        <button key={s.id} onClick={() => setSession(s.id)}>
          {s.publicUserData?.identifier}
        </button>
      ))}
      <button onClick={() => setActive({ session: availableSessions[0] })}>First</button>
      <button onClick={async () => await signOutOne()}>Sign out</button>
      <button onClick={async () => await signOut()}>Sign out of all accounts</button>
    </section>
  );
}

export function Hooks() {
  const session = useSession();
  const user = useUser();
  if (!session.isLoaded || !user.isLoaded) return null;
  const id: string | undefined = session.isSignedIn ? session.session.id : undefined;
  const name: string | null | undefined = user.isSignedIn ? user.user.fullName : undefined;
  // @ts-expect-error session may be null when not signed in
  session.session.id;
  return <p>{id} {name}</p>;
}

export const App = () => (
  <>
    <ClerkProvider publishableKey="pk_test_MTI3LjAuMC4xOjg3ODck" afterSignOutUrl="/">
      <Header />
      <SignedOut>
        <SignIn afterSignInUrl="/" />
        <SignUp signInUrl="/sign-in" appearance={{ baseTheme: "dark" }} />
      </SignedOut>
      <SignedIn>
        <UserButton showName afterSwitchSessionUrl="/" />
        <Accounts />
        <Hooks />
      </SignedIn>
    </ClerkProvider>
    <ClerkProvider frontendApi="http://127.0.0.1:8787">
      <Header />
    </ClerkProvider>
    {/* @ts-expect-error a key or a frontend API is required */}
    <ClerkProvider><Header /></ClerkProvider>
    {/* @ts-expect-error showName is a boolean */}
    <UserButton showName="yes" />
  </>
);
