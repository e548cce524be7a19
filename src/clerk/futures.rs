//! Two small future helpers (no futures crate needed): a one-shot result many callers can await, and `join` of two
//! futures polled concurrently.

use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

/// A result produced once and handed (cloned) to everyone awaiting it: concurrent `getToken` calls share one request.
pub struct Shared<T> {
    /// The value once resolved, and the tasks waiting for it until then.
    slot: RefCell<(Option<T>, Vec<Waker>)>,
}

impl<T: Clone> Shared<T> {
    /// An unresolved result.
    pub fn new() -> Rc<Self> {
        Rc::new(Shared {
            slot: RefCell::new((None, Vec::new())),
        })
    }

    /// Sets the value (the first one wins) and wakes every waiter.
    pub fn resolve(&self, value: T) {
        let waiters = {
            let mut slot = self.slot.borrow_mut();
            if slot.0.is_some() {
                return;
            }
            slot.0 = Some(value);
            std::mem::take(&mut slot.1)
        };
        waiters.into_iter().for_each(Waker::wake);
    }

    /// Waits for the value.
    pub fn wait(self: &Rc<Self>) -> impl Future<Output = T> + 'static
    where
        T: 'static,
    {
        let this = self.clone();
        poll_fn(move |cx| {
            let mut slot = this.slot.borrow_mut();
            match &slot.0 {
                Some(value) => Poll::Ready(value.clone()),
                None => {
                    slot.1.push(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
    }
}

/// Runs two futures concurrently and returns both outputs.
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    poll_fn(move |cx| {
        if out_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        match (out_a.take(), out_b.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (out_a, out_b) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Context;

    /// Polls a future once with a no-op waker.
    fn poll_once<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        f.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn every_waiter_gets_the_one_value() {
        let shared = Shared::<u32>::new();
        let mut first = pin!(shared.wait());
        let mut second = pin!(shared.wait());
        assert_eq!(poll_once(first.as_mut()), Poll::Pending);
        assert_eq!(poll_once(second.as_mut()), Poll::Pending);
        shared.resolve(7);
        shared.resolve(8);
        assert_eq!(poll_once(first.as_mut()), Poll::Ready(7));
        assert_eq!(poll_once(second.as_mut()), Poll::Ready(7));
        assert_eq!(
            poll_once(pin!(shared.wait())),
            Poll::Ready(7),
            "late waiters too"
        );
    }

    #[test]
    fn join_waits_for_both_whatever_the_order() {
        let (left, right) = (Shared::<u8>::new(), Shared::<&str>::new());
        let mut both = pin!(join(left.wait(), right.wait()));
        assert_eq!(poll_once(both.as_mut()), Poll::Pending);
        right.resolve("r");
        assert_eq!(poll_once(both.as_mut()), Poll::Pending);
        left.resolve(1);
        assert_eq!(poll_once(both.as_mut()), Poll::Ready((1, "r")));
    }
}
