// A React app on clerk-wasm/react, written with the multi-session guide's Clerk React snippets (with our import
// path). The frontend API is the server serving this page; its publishable key is derived from the host.
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import {
  ClerkProvider,
  SignedIn,
  SignedOut,
  SignIn,
  UserButton,
  useClerk,
  useUser,
} from "clerk-wasm/react";
import "./style.css";

const publishableKey = "pk_test_" + btoa(`${location.host}$`);

const Header = () => {
  return (
    <header className="topbar">
      <h1>My application</h1>
      <UserButton showName />
    </header>
  );
};

function Accounts() {
  // Getting the active session and user
  const { session: activeSession, user: activeUser } = useClerk();
  const { client, setSession, signOutOne, signOut } = useClerk();
  const [error, setError] = useState("");
  // You can retrieve all the available sessions through the client
  const availableSessions = client.sessions;
  const guarded = (action) => async () => {
    setError("");
    try {
      await action();
    } catch (e) {
      setError(e.errors?.[0]?.longMessage ?? e.message);
    }
  };
  return (
    <section aria-labelledby="accounts-title">
      <h2 id="accounts-title">Signed-in accounts</h2>
      <p>Active: {activeUser?.fullName} ({activeSession?.publicUserData?.identifier})</p>
      <ul>
        {availableSessions.map((s) => (
          <li key={s.id}>
            {s.publicUserData?.identifier}{" "}
            {s.id === activeSession?.id ? (
              "(active)"
            ) : (
              // Use setSession to set the active session.
              <button type="button" aria-label={`Switch to ${s.publicUserData?.identifier}`} onClick={() => setSession(s.id)}>
                Switch
              </button>
            )}
          </li>
        ))}
      </ul>
      {/* Use signOutOne to sign-out only from the active session. */}
      <button type="button" onClick={guarded(() => signOutOne())}>Sign out this account</button>
      {/* Use signOut to sign-out all active sessions. */}
      <button type="button" onClick={guarded(() => signOut())}>Sign out of all accounts</button>
      <p role="alert">{error}</p>
    </section>
  );
}

function Greeting() {
  const { isLoaded, user } = useUser();
  return <p className="greeting">{isLoaded && user ? `Hello, ${user.firstName ?? "there"}!` : "Hello!"}</p>;
}

function ExposeClerk() {
  // For the end-to-end test and the guide's ClerkJS snippets: the instance as window.Clerk.
  const clerk = useClerk();
  useEffect(() => {
    window.Clerk = clerk;
  }, [clerk]);
  return null;
}

function App() {
  return (
    <ClerkProvider publishableKey={publishableKey} afterSignOutUrl="./">
      <ExposeClerk />
      <Header />
      <main>
        <Greeting />
        <SignedOut>
          <section aria-label="Sign in to the demo">
            <SignIn />
          </section>
        </SignedOut>
        <SignedIn>
          <Accounts />
        </SignedIn>
      </main>
    </ClerkProvider>
  );
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
