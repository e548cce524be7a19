//! `addListener` callbacks: registered with an id, called in registration order with no state borrowed. A listener
//! receives the emitter (`&T`) as an argument instead of capturing it, so the emitter never owns a cycle to itself.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Identifies a registered listener (for unsubscribing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerId(u64);

/// A registered callback, given the emitter.
pub type Listener<T> = Rc<dyn Fn(&T)>;

/// The registered listeners of an emitter of type `T`.
pub struct Listeners<T: ?Sized> {
    /// The next id to hand out.
    next: Cell<u64>,
    /// Listeners in registration order.
    list: RefCell<Vec<(ListenerId, Listener<T>)>>,
}

impl<T: ?Sized> Default for Listeners<T> {
    fn default() -> Self {
        Listeners {
            next: Cell::new(0),
            list: RefCell::new(Vec::new()),
        }
    }
}

impl<T: ?Sized> Listeners<T> {
    /// Registers `listener`.
    pub fn add(&self, listener: Listener<T>) -> ListenerId {
        let id = ListenerId(self.next.get());
        self.next.set(id.0.wrapping_add(1));
        self.list.borrow_mut().push((id, listener));
        id
    }

    /// Unregisters `id`.
    pub fn remove(&self, id: ListenerId) {
        self.list.borrow_mut().retain(|(i, _)| *i != id);
    }

    /// Calls every listener. The list is copied first, so a listener may add or remove listeners (or change state,
    /// which emits again) without a borrow conflict.
    pub fn emit(&self, emitter: &T) {
        let listeners: Vec<Listener<T>> =
            self.list.borrow().iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener(emitter);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_run_in_order_and_can_unsubscribe_while_emitting() {
        let listeners = Rc::new(Listeners::<()>::default());
        let calls = Rc::new(RefCell::new(Vec::new()));
        let first_id = Rc::new(Cell::new(None));
        let (c1, c2) = (calls.clone(), calls.clone());
        let (l, f) = (listeners.clone(), first_id.clone());
        let first = listeners.add(Rc::new(move |_: &()| c1.borrow_mut().push(1)));
        first_id.set(Some(first));
        listeners.add(Rc::new(move |_: &()| {
            c2.borrow_mut().push(2);
            if let Some(id) = f.get() {
                l.remove(id);
            }
        }));
        listeners.emit(&());
        listeners.emit(&());
        assert_eq!(*calls.borrow(), vec![1, 2, 2]);
    }
}
