//! The component runtime, after wasm-bindgen's todomvc: DOM events become messages, `update` changes the
//! component's state and returns effects (it never touches the DOM or calls the controller), and `view` renders
//! the whole state into a fresh subtree. One delegated listener per event type sits on the component's root; the
//! component follows the controller through one `addListener` subscription. Unmounting drops all of them.

use super::appearance::Appearance;
use super::dom::{self, Dom, El, Listener};
use super::events::UiEvent;
use super::focus::{self, Focus};
use super::localization::Strings;
use crate::clerk::{Controller, ListenerId};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, EventTarget};

/// What a component works with: the instance, its document, its strings and look, and a unique id prefix.
#[derive(Clone)]
pub(crate) struct Env {
    /// The instance.
    pub(crate) controller: Controller,
    /// The host's document.
    pub(crate) dom: Dom,
    /// The strings in effect.
    pub(crate) strings: Strings,
    /// The look in effect.
    pub(crate) appearance: Appearance,
    /// Prefix of this mount's element ids (`cw7`), so labels and descriptions never collide.
    pub(crate) id: String,
}

impl Env {
    /// A unique element id for this mount.
    pub(crate) fn id(&self, suffix: &str) -> String {
        [self.id.as_str(), "-", suffix].concat()
    }
}

/// Something an update asks for; run by the runtime after the render, in order.
pub(crate) enum Effect<M> {
    /// A synchronous action: a controller call, a navigation, opening a modal.
    Run(Box<dyn FnOnce()>),
    /// An asynchronous call whose answer comes back as a message (dropped if the component is gone by then).
    Spawn(Pin<Box<dyn Future<Output = M>>>),
    /// Moves the focus.
    Focus(Focus),
    /// Lays out again without rendering (the viewport scrolled or resized).
    Layout,
    /// Unmounts this component (a modal closing itself).
    Close,
}

impl<M> Effect<M> {
    /// [`Effect::Run`] of `f`.
    pub(crate) fn run(f: impl FnOnce() + 'static) -> Self {
        Effect::Run(Box::new(f))
    }

    /// [`Effect::Spawn`] of `future`.
    pub(crate) fn spawn(future: impl Future<Output = M> + 'static) -> Self {
        Effect::Spawn(Box::pin(future))
    }
}

/// The result of an update: whether to render, and the effects.
pub(crate) struct Step<M> {
    /// Render the new state.
    render: bool,
    /// Effects to run after the render.
    effects: Vec<Effect<M>>,
}

impl<M> Step<M> {
    /// Render, no effects yet.
    pub(crate) fn render() -> Self {
        Step {
            render: true,
            effects: Vec::new(),
        }
    }

    /// No render (e.g. typing into an input), no effects yet.
    pub(crate) fn quiet() -> Self {
        Step {
            render: false,
            effects: Vec::new(),
        }
    }

    /// Adds an effect.
    pub(crate) fn then(mut self, effect: Effect<M>) -> Self {
        self.effects.push(effect);
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
    /// Renders the state: the root's children.
    fn view(&self, env: &Env) -> Vec<El>;
    /// Measures and positions after a render (popovers).
    fn layout(&self, _root: &Element) {}
    /// Runs when the component is unmounted (a modal gives the focus back).
    fn unmounted(&self) {}
}

/// A mounted component, as the registry sees it.
pub(crate) trait Mounted {
    /// Removes every node and listener of the component.
    fn unmount(&self);
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
pub(crate) struct Runtime<C: Component> {
    /// What the component works with.
    env: Env,
    /// The element it was mounted into.
    host: Element,
    /// Whether the host was created for it (a modal's container) and goes away with it.
    owns_host: bool,
    /// The component's root element (inside the host).
    root: Element,
    /// The component.
    component: RefCell<C>,
    /// The delegated listeners on the root.
    inside: RefCell<Vec<Listener>>,
    /// Document-level listeners, while the component wants them.
    outside: RefCell<Vec<Listener>>,
    /// The controller subscription.
    subscription: RefCell<Option<Subscription>>,
    /// Unmounted: ignore late messages.
    closed: Cell<bool>,
}

/// Events delegated to the root (`true`: capture phase, for `error`, which does not bubble).
const INSIDE_EVENTS: [(&str, bool); 5] = [
    ("click", false),
    ("keydown", false),
    ("input", false),
    ("submit", false),
    ("error", true),
];

impl<C: Component> Runtime<C> {
    /// Mounts `component` into `host`: root element, listeners, subscription, first render.
    pub(crate) fn start(
        env: Env,
        host: Element,
        owns_host: bool,
        component: C,
    ) -> Result<Rc<Self>, JsValue> {
        super::styles::install(env.dom.document());
        let root = env.dom.el("div").class(C::ROOT_CLASS).build();
        env.appearance.apply(&root);
        host.append_with_node_1(&root)?;
        let runtime = Rc::new(Runtime {
            env,
            host,
            owns_host,
            root,
            component: RefCell::new(component),
            inside: RefCell::new(Vec::new()),
            outside: RefCell::new(Vec::new()),
            subscription: RefCell::new(None),
            closed: Cell::new(false),
        });
        let listeners = INSIDE_EVENTS
            .iter()
            .filter_map(|&(kind, capture)| {
                runtime.listen(runtime.root.unchecked_ref(), kind, capture, false)
            })
            .collect();
        *runtime.inside.borrow_mut() = listeners;
        let weak = Rc::downgrade(&runtime);
        // `add_listener` calls back at once: that is the first render.
        let id = runtime.env.controller.add_listener(move |_| {
            if let Some(runtime) = weak.upgrade() {
                runtime.state_changed();
            }
        });
        dom::track_listener();
        *runtime.subscription.borrow_mut() = Some(Subscription {
            controller: runtime.env.controller.clone(),
            id,
        });
        Ok(runtime)
    }

    /// A listener that hands `kind` events on `target` to the component.
    fn listen(
        self: &Rc<Self>,
        target: &EventTarget,
        kind: &'static str,
        capture: bool,
        outside: bool,
    ) -> Option<Listener> {
        let weak: Weak<Self> = Rc::downgrade(self);
        Listener::add(target, kind, capture, move |event| {
            if let Some(runtime) = weak.upgrade() {
                runtime.handle(&UiEvent::new(event), outside);
            }
        })
    }

    /// Decodes an event and dispatches its message.
    fn handle(self: &Rc<Self>, event: &UiEvent, outside: bool) {
        let msg = match self.component.try_borrow() {
            Ok(c) if outside => c.decode_outside(event, &self.root),
            Ok(c) => c.decode(event),
            Err(_) => None,
        };
        if let Some(msg) = msg {
            self.dispatch(msg);
        }
    }

    /// The instance changed: tell the component.
    fn state_changed(self: &Rc<Self>) {
        let msg = self.component.try_borrow().map(|c| c.state_changed());
        if let Ok(msg) = msg {
            self.dispatch(msg);
        }
    }

    /// Applies a message: update, render, document listeners, then the effects in order.
    pub(crate) fn dispatch(self: &Rc<Self>, msg: C::Msg) {
        if self.closed.get() {
            return;
        }
        // The borrow ends before anything else runs, so effects may emit and re-enter freely.
        let step = match self.component.try_borrow_mut() {
            Ok(mut c) => c.update(msg, &self.env),
            Err(_) => return,
        };
        if step.render {
            self.render();
        }
        self.sync_outside();
        for effect in step.effects {
            if self.closed.get() {
                return;
            }
            self.run(effect);
        }
    }

    /// Runs one effect.
    fn run(self: &Rc<Self>, effect: Effect<C::Msg>) {
        match effect {
            Effect::Run(f) => f(),
            Effect::Spawn(future) => {
                let weak = Rc::downgrade(self);
                wasm_bindgen_futures::spawn_local(async move {
                    let msg = future.await;
                    if let Some(runtime) = weak.upgrade() {
                        runtime.dispatch(msg);
                    }
                });
            }
            Effect::Focus(target) => self.focus(target),
            Effect::Layout => self.layout(),
            Effect::Close => super::unmount_host(&self.host),
        }
    }

    /// Moves the focus inside the component.
    pub(crate) fn focus(&self, target: Focus) {
        focus::apply(&self.root, self.env.dom.document(), target);
    }

    /// Replaces the root's children with a fresh render, keeping the focus on the same control.
    fn render(&self) {
        let saved = focus::save(&self.root, self.env.dom.document());
        let view = match self.component.try_borrow() {
            Ok(c) => c.view(&self.env),
            Err(_) => return,
        };
        self.root.set_text_content(None);
        for child in view {
            let _ = self.root.append_with_node_1(&child.build());
        }
        focus::restore(&self.root, saved);
        self.layout();
    }

    /// Lets the component position its popovers.
    fn layout(&self) {
        if let Ok(c) = self.component.try_borrow() {
            c.layout(&self.root);
        }
    }

    /// Adds or removes the document-level listeners as the component wants them.
    fn sync_outside(self: &Rc<Self>) {
        let wanted = self
            .component
            .try_borrow()
            .map(|c| c.listens_outside())
            .unwrap_or(false);
        let present = !self.outside.borrow().is_empty();
        if wanted == present {
            return;
        }
        if !wanted {
            self.outside.borrow_mut().clear();
            return;
        }
        let doc: &EventTarget = self.env.dom.document().unchecked_ref();
        let mut listeners = Vec::new();
        listeners.extend(self.listen(doc, "pointerdown", true, true));
        listeners.extend(self.listen(doc, "scroll", true, true));
        let window: Option<EventTarget> =
            crate::adapters::reflect::object(self.env.dom.document(), "defaultView");
        if let Some(window) = window {
            listeners.extend(self.listen(&window, "resize", false, true));
        }
        *self.outside.borrow_mut() = listeners;
    }
}

impl<C: Component> Mounted for Runtime<C> {
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
        if let Ok(c) = self.component.try_borrow() {
            c.unmounted();
        }
    }
}
