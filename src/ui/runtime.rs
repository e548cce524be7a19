//! The component runtime, after wasm-bindgen's todomvc: DOM events become messages, `update` changes the
//! component's state and returns effects (it never touches the DOM or calls the controller), and `view` renders
//! the whole state into a fresh subtree. One delegated listener per event type sits on the component's root; the
//! component follows the controller through one `addListener` subscription. Unmounting drops all of them.

use super::dom::{self, El, Listener};
use super::env::Env;
use super::events::{EventKind, UiEvent};
use super::focus::{self, Focus};
use super::mounts::{self, Mounted};
use crate::adapters::{page, spawn};
use crate::clerk::{Controller, ListenerId};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget};

/// Something an update asks for; run by the runtime after the render, in order. Plain data rather than closures:
/// the code that carries each one out then exists once, in the runtime.
pub(crate) enum Effect {
    /// Moves the focus.
    Focus(Focus),
    /// Lays out again without rendering (the viewport scrolled or resized).
    Layout,
    /// Unmounts this component (a modal closing itself).
    Close,
    /// Follows a URL (an `after…Url` or a component's URL prop).
    Navigate(String),
    /// Makes `session` the active session, then follows `after`; a failure is warned about after `failure`.
    Activate {
        /// The session id.
        session: String,
        /// Where to go next.
        after: Option<String>,
        /// The warning's beginning.
        failure: &'static str,
    },
    /// Opens the SignIn modal to add an account.
    AddAccount,
}

impl Effect {
    /// Whether the effect changes the instance, so it runs before the render (which then shows its outcome).
    fn acts_on_instance(&self) -> bool {
        matches!(self, Effect::Activate { .. })
    }
}

/// What an update left for the runtime while the instance actions of an outer update run (see
/// [`Runtime::updated`]).
#[derive(Default)]
struct Pending {
    /// An outer update is running its instance actions.
    nested: bool,
    /// Render once they are done.
    render: bool,
    /// Effects to run after that render.
    effects: Vec<Effect>,
}

/// An asynchronous call whose answer comes back as a message (dropped if the component is gone by then).
pub(crate) type Task<M> = Pin<Box<dyn Future<Output = M>>>;

/// The result of an update: whether to render, the effects, and a task to start after them.
pub(crate) struct Step<M> {
    /// Render the new state.
    render: bool,
    /// Effects to run after the render.
    effects: Vec<Effect>,
    /// Started after the effects (unless one of them closed the component).
    task: Option<Task<M>>,
}

impl<M> Step<M> {
    /// Render, no effects yet.
    pub(crate) fn render() -> Self {
        Step {
            render: true,
            effects: Vec::new(),
            task: None,
        }
    }

    /// No render (e.g. typing into an input), no effects yet.
    pub(crate) fn quiet() -> Self {
        Step {
            render: false,
            effects: Vec::new(),
            task: None,
        }
    }

    /// Adds an effect.
    pub(crate) fn then(mut self, effect: Effect) -> Self {
        self.effects.push(effect);
        self
    }

    /// Adds [`Effect::Navigate`] when there is a URL.
    pub(crate) fn navigate(self, url: Option<String>) -> Self {
        match url {
            Some(url) => self.then(Effect::Navigate(url)),
            None => self,
        }
    }

    /// Starts `task` after the effects.
    pub(crate) fn spawn(mut self, task: Task<M>) -> Self {
        self.task = Some(task);
        self
    }
}

/// A component: state plus the functions from events to messages, messages to new state, and state to DOM.
pub(crate) trait Component: 'static {
    /// A user action or an answer from the server.
    type Msg: 'static;
    /// The root's classes.
    const ROOT_CLASS: &'static str;
    /// The message for an event inside the component (`None`: ignore it).
    fn decode(&self, event: &UiEvent) -> Option<Self::Msg>;
    /// The message for a document-level event, received only while [`Component::listens_outside`].
    fn decode_outside(&self, _event: &UiEvent, _root: &Element) -> Option<Self::Msg> {
        None
    }
    /// Whether document-level events are wanted now (an open popover).
    fn listens_outside(&self) -> bool {
        false
    }
    /// The message for "the instance's state changed".
    fn state_changed(&self) -> Self::Msg;
    /// Applies a message.
    fn update(&mut self, msg: Self::Msg, env: &Env) -> Step<Self::Msg>;
    /// Renders the state: appends the root's children to `root` (empty when called).
    fn view(&self, env: &Env, root: &El);
    /// Measures and positions after a render (popovers).
    fn layout(&self, _root: &Element) {}
    /// Runs when the component is unmounted (a modal gives the focus back).
    fn unmounted(&self) {}
}

/// A component as the runtime drives it, its message type hidden: the runtime's code then exists once in the
/// binary, and only this adapter (decode, update, the task's answer) once per component. A component whose state is
/// borrowed (a re-entrant event) ignores the call.
trait Machine {
    /// Decodes an event (`outside`: a document-level one) and applies its message.
    fn handle(self: Rc<Self>, runtime: &Rc<Runtime>, event: &UiEvent, outside: bool);
    /// Tells the component that the instance changed.
    fn state_changed(self: Rc<Self>, runtime: &Rc<Runtime>);
    /// Empties `root` and renders into it with [`Component::view`] (`false`, and nothing done, while borrowed).
    fn view(&self, env: &Env, root: &El) -> bool;
    /// [`Component::layout`].
    fn layout(&self, root: &Element);
    /// [`Component::listens_outside`].
    fn listens_outside(&self) -> bool;
    /// [`Component::unmounted`].
    fn unmounted(&self);
}

impl<C: Component> Machine for RefCell<C> {
    fn handle(self: Rc<Self>, runtime: &Rc<Runtime>, event: &UiEvent, outside: bool) {
        let msg = match self.try_borrow() {
            Ok(c) if outside => c.decode_outside(event, &runtime.root),
            Ok(c) => c.decode(event),
            Err(_) => None,
        };
        if let Some(msg) = msg {
            dispatch(&self, runtime, msg);
        }
    }

    fn state_changed(self: Rc<Self>, runtime: &Rc<Runtime>) {
        let msg = self.try_borrow().map(|c| c.state_changed());
        if let Ok(msg) = msg {
            dispatch(&self, runtime, msg);
        }
    }

    fn view(&self, env: &Env, root: &El) -> bool {
        let Ok(c) = self.try_borrow() else {
            return false;
        };
        root.set_text_content(None);
        c.view(env, root);
        true
    }

    fn layout(&self, root: &Element) {
        if let Ok(c) = self.try_borrow() {
            c.layout(root);
        }
    }

    fn listens_outside(&self) -> bool {
        self.try_borrow().is_ok_and(|c| c.listens_outside())
    }

    fn unmounted(&self) {
        if let Ok(c) = self.try_borrow() {
            c.unmounted();
        }
    }
}

/// Applies a message: update, render, document listeners, the effects in order, then the task.
fn dispatch<C: Component>(component: &Rc<RefCell<C>>, runtime: &Rc<Runtime>, msg: C::Msg) {
    if runtime.closed.get() {
        return;
    }
    // The borrow ends before anything else runs, so effects may emit and re-enter freely.
    let step = match component.try_borrow_mut() {
        Ok(mut c) => c.update(msg, &runtime.env),
        Err(_) => return,
    };
    runtime.updated(step.render, step.effects);
    if let Some(task) = step.task.filter(|_| !runtime.closed.get()) {
        let (component, runtime) = (Rc::downgrade(component), Rc::downgrade(runtime));
        spawn(Box::pin(async move {
            let msg = task.await;
            if let (Some(c), Some(r)) = (component.upgrade(), runtime.upgrade()) {
                dispatch(&c, &r, msg);
            }
        }));
    }
}

/// The `addListener` subscription of a mount; dropping it unsubscribes.
struct Subscription {
    /// The instance.
    controller: Controller,
    /// The listener.
    id: ListenerId,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.controller.remove_listener(self.id);
        dom::untrack_listener();
    }
}

/// One mounted component.
pub(crate) struct Runtime {
    /// What the component works with.
    env: Rc<Env>,
    /// The element it was mounted into.
    host: Element,
    /// Whether the host was created for it (a modal's container) and goes away with it.
    owns_host: bool,
    /// The component's root element (inside the host).
    root: El,
    /// The component.
    component: Rc<dyn Machine>,
    /// The delegated listeners on the root.
    inside: RefCell<Vec<Listener>>,
    /// Document-level listeners, while the component wants them.
    outside: RefCell<Vec<Listener>>,
    /// The controller subscription.
    subscription: RefCell<Option<Subscription>>,
    /// Unmounted: ignore late messages.
    closed: Cell<bool>,
    /// The render and effects queued while an update's instance actions run.
    pending: RefCell<Pending>,
}

/// Events delegated to the root (`true`: capture phase, for `error`, which does not bubble).
const INSIDE_EVENTS: [(EventKind, bool); 5] = [
    (EventKind::Click, false),
    (EventKind::KeyDown, false),
    (EventKind::Input, false),
    (EventKind::Submit, false),
    (EventKind::Error, true),
];

/// Document-level events, while the component listens outside: a press outside, any scroll.
const DOCUMENT_EVENTS: [(EventKind, bool); 2] =
    [(EventKind::PointerDown, true), (EventKind::Scroll, true)];

/// Window events, while the component listens outside.
const WINDOW_EVENTS: [(EventKind, bool); 1] = [(EventKind::Resize, false)];

impl Runtime {
    /// Mounts `component` into `host`: root element, listeners, subscription, first render.
    pub(crate) fn start<C: Component>(
        env: Rc<Env>,
        host: Element,
        owns_host: bool,
        component: C,
    ) -> Rc<Self> {
        Self::start_machine(
            env,
            host,
            owns_host,
            C::ROOT_CLASS,
            Rc::new(RefCell::new(component)),
        )
    }

    /// [`Runtime::start`] of a component whose message type is hidden.
    fn start_machine(
        env: Rc<Env>,
        host: Element,
        owns_host: bool,
        class: &str,
        component: Rc<dyn Machine>,
    ) -> Rc<Self> {
        super::styles::install(env.dom.document());
        let root = env.dom.el("div").class(class);
        env.appearance.apply(&root);
        // Appending a new element to an element cannot throw.
        let _ = host.append_with_node_1(&root);
        let runtime = Rc::new(Runtime {
            env,
            host,
            owns_host,
            root,
            component,
            inside: RefCell::new(Vec::new()),
            outside: RefCell::new(Vec::new()),
            subscription: RefCell::new(None),
            closed: Cell::new(false),
            pending: RefCell::new(Pending::default()),
        });
        let listeners = runtime.listen_all(runtime.root.unchecked_ref(), &INSIDE_EVENTS, false);
        *runtime.inside.borrow_mut() = listeners;
        let weak = Rc::downgrade(&runtime);
        // `add_listener` calls back at once: that is the first render.
        let id = runtime.env.controller.add_listener(move |_| {
            if let Some(runtime) = weak.upgrade() {
                runtime.component.clone().state_changed(&runtime);
            }
        });
        dom::track_listener();
        *runtime.subscription.borrow_mut() = Some(Subscription {
            controller: runtime.env.controller.clone(),
            id,
        });
        runtime
    }

    /// [`Runtime::listen`] for each `(kind, capture)` of `events`.
    fn listen_all(
        self: &Rc<Self>,
        target: &EventTarget,
        events: &[(EventKind, bool)],
        outside: bool,
    ) -> Vec<Listener> {
        let mut listeners = Vec::new();
        for &(kind, capture) in events {
            listeners.extend(self.listen(target, kind, capture, outside));
        }
        listeners
    }

    /// A listener that hands `kind` events on `target` to the component.
    fn listen(
        self: &Rc<Self>,
        target: &EventTarget,
        kind: EventKind,
        capture: bool,
        outside: bool,
    ) -> Option<Listener> {
        let weak: Weak<Self> = Rc::downgrade(self);
        Listener::add(target, kind.name(), capture, move |event| {
            if let Some(runtime) = weak.upgrade() {
                runtime
                    .component
                    .clone()
                    .handle(&runtime, &UiEvent::new(event, kind), outside);
            }
        })
    }

    /// After an update: first the effects that act on the instance (a switch), whose state change comes back at
    /// once as a nested update; then one render for both (when either asked for one), the document listeners the
    /// component now wants, and the other effects in order (until one closes the component). A nested update only
    /// queues its render and effects for the outer one, so a click that changes the instance renders once.
    fn updated(self: &Rc<Self>, render: bool, effects: Vec<Effect>) {
        let (actions, effects): (Vec<Effect>, Vec<Effect>) =
            effects.into_iter().partition(Effect::acts_on_instance);
        {
            let mut pending = self.pending.borrow_mut();
            pending.render |= render;
            pending.effects.extend(effects);
            if pending.nested {
                // Inside an outer update's actions: it renders and runs these effects after them.
                pending.effects.extend(actions);
                return;
            }
            pending.nested = true;
        }
        for action in actions {
            self.run(action);
        }
        let Pending {
            render, effects, ..
        } = self.pending.take();
        if self.closed.get() {
            return;
        }
        if render {
            self.render();
        }
        self.sync_outside();
        for effect in effects {
            if self.closed.get() {
                return;
            }
            self.run(effect);
        }
    }

    /// Carries out one effect.
    fn run(&self, effect: Effect) {
        match effect {
            Effect::Focus(target) => self.focus(target),
            Effect::Layout => self.layout(),
            Effect::Close => mounts::unmount_host(&self.host),
            Effect::Navigate(url) => page::navigate(&url),
            Effect::Activate {
                session,
                after,
                failure,
            } => match self.env.controller.switch_to(Some(&session)) {
                Ok(()) => after.iter().for_each(|url| page::navigate(url)),
                Err(e) => page::warn_parts(&[failure, e.code(), ": ", e.message()]),
            },
            Effect::AddAccount => (self.env.add_account)(self.env.clone()),
        }
    }

    /// Moves the focus inside the component.
    pub(crate) fn focus(&self, target: Focus) {
        focus::apply(&self.root, self.env.dom.document(), target);
    }

    /// Replaces the root's children with a fresh render, keeping the focus on the same control.
    fn render(&self) {
        let saved = focus::save(&self.root, self.env.dom.document());
        if !self.component.view(&self.env, &self.root) {
            return;
        }
        focus::restore(&self.root, saved);
        self.layout();
    }

    /// Lets the component position its popovers.
    fn layout(&self) {
        self.component.layout(&self.root);
    }

    /// Adds or removes the document-level listeners as the component wants them.
    fn sync_outside(self: &Rc<Self>) {
        let wanted = self.component.listens_outside();
        let present = !self.outside.borrow().is_empty();
        if wanted == present {
            return;
        }
        if !wanted {
            self.outside.borrow_mut().clear();
            return;
        }
        let doc: &EventTarget = self.env.dom.document().unchecked_ref();
        let mut listeners = self.listen_all(doc, &DOCUMENT_EVENTS, true);
        let window: Option<EventTarget> =
            crate::adapters::reflect::object(self.env.dom.document(), "defaultView");
        if let Some(window) = window {
            listeners.append(&mut self.listen_all(&window, &WINDOW_EVENTS, true));
        }
        *self.outside.borrow_mut() = listeners;
    }
}

impl Mounted for Runtime {
    /// Removes every node and listener of the component.
    fn unmount(&self) {
        if self.closed.replace(true) {
            return;
        }
        self.subscription.borrow_mut().take();
        self.inside.borrow_mut().clear();
        self.outside.borrow_mut().clear();
        self.root.remove();
        if self.owns_host {
            self.host.remove();
        }
        self.component.unmounted();
    }
}
