//! Which time steps the unrolled graph draws, and where the step-through
//! cursor is. Plain logic, tested natively.
//!
//! A long sequence is drawn as its first few and last few steps with the
//! middle folded into one "… n steps …" column; the cursor's step (and its
//! neighbours) is always unfolded so the highlighted step is on screen.

/// One column of the unrolled graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Time step t (1-based).
    Step(usize),
    /// Steps `from..=to` (1-based) folded into one column.
    Fold { from: usize, to: usize },
}

impl Column {
    pub fn step(self) -> Option<usize> {
        match self {
            Column::Step(t) => Some(t),
            Column::Fold { .. } => None,
        }
    }
}

/// The columns for a sequence of `len` steps, at most `max_cols` of them
/// (at least 5), keeping the ends and the window around `focus` (1-based).
pub fn columns(len: usize, max_cols: usize, focus: Option<usize>) -> Vec<Column> {
    let max_cols = max_cols.max(5);
    if len <= max_cols {
        return (1..=len).map(Column::Step).collect();
    }
    let mut keep = vec![false; len + 1];
    let mut mark = |t: usize| {
        if (1..=len).contains(&t) {
            keep[t] = true;
        }
    };
    match focus.filter(|f| (1..=len).contains(f)) {
        // The focus window takes 3 columns and up to 2 folds may appear, so
        // the ends share what is left.
        Some(f) if f > 3 && f + 2 < len => {
            let ends = max_cols.saturating_sub(5).max(2);
            let head = ends / 2;
            for t in 1..=head {
                mark(t);
            }
            for t in len + 1 - (ends - head)..=len {
                mark(t);
            }
            for t in f - 1..=f + 1 {
                mark(t);
            }
        }
        _ => {
            let ends = max_cols - 1;
            let head = ends / 2;
            for t in 1..=head {
                mark(t);
            }
            for t in len + 1 - (ends - head)..=len {
                mark(t);
            }
            if let Some(f) = focus {
                mark(f);
            }
        }
    }
    let mut out = Vec::new();
    let mut t = 1;
    while t <= len {
        if keep[t] {
            out.push(Column::Step(t));
            t += 1;
        } else {
            let from = t;
            while t <= len && !keep[t] {
                t += 1;
            }
            // A single hidden step is cheaper drawn than folded.
            if t - from == 1 {
                out.push(Column::Step(from));
            } else {
                out.push(Column::Fold { from, to: t - 1 });
            }
        }
    }
    out
}

/// Which pass the step-through is showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The forward pass has computed h_1 … h_t.
    Forward,
    /// The backward pass has carried ∂L/∂h from T back to t.
    Backward,
}

/// The step-through position: nothing highlighted, or a phase and a step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor(pub Option<(Phase, usize)>);

impl Cursor {
    pub fn phase(self) -> Option<Phase> {
        self.0.map(|c| c.0)
    }

    pub fn t(self) -> Option<usize> {
        self.0.map(|c| c.1)
    }

    /// One step of the forward pass: t → t + 1 (from nothing, or from the
    /// backward pass, it starts again at t = 1).
    pub fn forward(self, len: usize) -> Cursor {
        if len == 0 {
            return Cursor(None);
        }
        Cursor(Some(match self.0 {
            Some((Phase::Forward, t)) => (Phase::Forward, (t + 1).min(len)),
            _ => (Phase::Forward, 1),
        }))
    }

    /// One step of the backward pass: the gradient moves from t to t − 1.
    /// From nothing, or from the end of the forward pass, it starts at
    /// t = T where the loss hands it over; it never leaves t = 1.
    pub fn backward(self, len: usize) -> Cursor {
        if len == 0 {
            return Cursor(None);
        }
        Cursor(Some(match self.0 {
            None => (Phase::Backward, len),
            Some((Phase::Forward, t)) if t >= len => (Phase::Backward, len),
            Some((_, t)) => (Phase::Backward, t.clamp(2, len + 1) - 1),
        }))
    }

    /// Keeps the cursor inside a (possibly shorter) new sequence.
    pub fn clamp(self, len: usize) -> Cursor {
        match self.0 {
            _ if len == 0 => Cursor(None),
            Some((p, t)) => Cursor(Some((p, t.clamp(1, len)))),
            None => Cursor(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(cols: &[Column]) -> Vec<usize> {
        cols.iter().filter_map(|c| c.step()).collect()
    }

    #[test]
    fn short_sequences_are_drawn_whole() {
        assert_eq!(steps(&columns(6, 11, None)), vec![1, 2, 3, 4, 5, 6]);
        assert!(columns(0, 11, None).is_empty());
    }

    #[test]
    fn long_sequences_fold_the_middle() {
        let c = columns(50, 11, None);
        assert_eq!(c.len(), 11);
        assert_eq!(c[5], Column::Fold { from: 6, to: 45 });
        assert_eq!(steps(&c), vec![1, 2, 3, 4, 5, 46, 47, 48, 49, 50]);
    }

    #[test]
    fn the_cursor_is_always_unfolded_and_fits() {
        for len in [12, 30, 200, 1000] {
            for f in 1..=len {
                let c = columns(len, 11, Some(f));
                assert!(steps(&c).contains(&f), "len {len}, focus {f}");
                assert!(c.len() <= 11, "len {len}, focus {f}: {} columns", c.len());
                // Every step is covered exactly once, in order.
                let mut next = 1;
                for col in &c {
                    match *col {
                        Column::Step(t) => {
                            assert_eq!(t, next);
                            next += 1;
                        }
                        Column::Fold { from, to } => {
                            assert_eq!(from, next);
                            assert!(to > from);
                            next = to + 1;
                        }
                    }
                }
                assert_eq!(next, len + 1);
            }
        }
    }

    #[test]
    fn forward_steps_run_one_to_t() {
        let mut c = Cursor::default();
        for want in [1, 2, 3, 3] {
            c = c.forward(3);
            assert_eq!(c.0, Some((Phase::Forward, want)));
        }
    }

    #[test]
    fn backward_steps_move_towards_t_equals_one() {
        let mut c = Cursor::default().backward(4);
        assert_eq!(c.0, Some((Phase::Backward, 4)));
        for want in [3, 2, 1, 1] {
            c = c.backward(4);
            assert_eq!(c.0, Some((Phase::Backward, want)));
        }
        // The end of the forward pass hands over to the backward pass at T…
        let end = Cursor(Some((Phase::Forward, 4)));
        assert_eq!(end.backward(4).0, Some((Phase::Backward, 4)));
        // …and from the middle of it, backward still moves towards 1.
        let mid = Cursor(Some((Phase::Forward, 3)));
        assert_eq!(mid.backward(4).0, Some((Phase::Backward, 2)));
        // Forward after backward starts the forward pass again.
        assert_eq!(c.forward(4).0, Some((Phase::Forward, 1)));
    }

    #[test]
    fn cursor_survives_a_shorter_sequence() {
        let c = Cursor(Some((Phase::Backward, 30)));
        assert_eq!(c.clamp(10).0, Some((Phase::Backward, 10)));
        assert_eq!(c.clamp(0).0, None);
        assert_eq!(Cursor::default().backward(0).0, None);
    }
}
