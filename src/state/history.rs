//! The loss curve of a run, in bounded memory: every step is recorded, and
//! when the curve holds too many points neighbouring points are merged, so an
//! hour of training at hundreds of steps per second still draws in
//! microseconds. Also the steps-per-second meter.

/// One point of the curve: the mean loss of `steps` consecutive steps ending
/// at `step`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossPoint {
    pub step: u64,
    pub loss: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LossHistory {
    points: Vec<LossPoint>,
    /// Steps merged into each point.
    bucket: u64,
    /// The open bucket: sum and count of its losses, last step.
    pending_sum: f64,
    pending_count: u64,
    pending_step: u64,
    max_points: usize,
    /// The loss before any training (a probe), drawn at step 0.
    initial: Option<f64>,
    last: Option<LossPoint>,
}

impl Default for LossHistory {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl LossHistory {
    pub fn new(max_points: usize) -> Self {
        LossHistory {
            points: Vec::new(),
            bucket: 1,
            pending_sum: 0.0,
            pending_count: 0,
            pending_step: 0,
            max_points: max_points.max(2),
            initial: None,
            last: None,
        }
    }

    /// The loss of the untrained network, shown at step 0.
    pub fn set_initial(&mut self, loss: f64) {
        if loss.is_finite() {
            self.initial = Some(loss);
        }
    }

    /// Records the loss of training step `step`. Non-finite losses are not
    /// drawn (a run that diverges stops before them anyway).
    pub fn push(&mut self, step: u64, loss: f64) {
        if !loss.is_finite() {
            return;
        }
        self.last = Some(LossPoint { step, loss });
        self.pending_sum += loss;
        self.pending_count += 1;
        self.pending_step = step;
        if self.pending_count >= self.bucket {
            self.points.push(LossPoint {
                step,
                loss: self.pending_sum / self.pending_count as f64,
            });
            self.pending_sum = 0.0;
            self.pending_count = 0;
            if self.points.len() >= self.max_points {
                self.halve();
            }
        }
    }

    /// Merges neighbouring points and doubles the bucket.
    fn halve(&mut self) {
        self.points = self
            .points
            .chunks(2)
            .map(|c| LossPoint {
                step: c[c.len() - 1].step,
                loss: c.iter().map(|p| p.loss).sum::<f64>() / c.len() as f64,
            })
            .collect();
        self.bucket *= 2;
    }

    /// The curve to draw: the initial loss, the merged points and the open
    /// bucket.
    pub fn points(&self) -> Vec<LossPoint> {
        let mut v = Vec::with_capacity(self.points.len() + 2);
        if let Some(loss) = self.initial {
            v.push(LossPoint { step: 0, loss });
        }
        v.extend_from_slice(&self.points);
        if self.pending_count > 0 {
            v.push(LossPoint {
                step: self.pending_step,
                loss: self.pending_sum / self.pending_count as f64,
            });
        }
        v
    }

    /// The latest step's loss (not averaged).
    pub fn last(&self) -> Option<LossPoint> {
        self.last
    }

    /// Smallest and largest loss on the curve.
    pub fn range(&self) -> Option<(f64, f64)> {
        self.points().iter().fold(None, |acc, p| match acc {
            None => Some((p.loss, p.loss)),
            Some((lo, hi)) => Some((lo.min(p.loss), hi.max(p.loss))),
        })
    }

    /// Mean loss over the last `n` recorded points (a smoothed "current loss").
    pub fn recent_mean(&self, n: usize) -> Option<f64> {
        let p = self.points();
        let tail = &p[p.len().saturating_sub(n)..];
        (!tail.is_empty()).then(|| tail.iter().map(|p| p.loss).sum::<f64>() / tail.len() as f64)
    }
}

/// Steps per second over the last second or so.
#[derive(Clone, Debug, Default)]
pub struct RateMeter {
    /// (time in ms, steps done) samples, oldest first.
    samples: std::collections::VecDeque<(f64, u64)>,
}

impl RateMeter {
    const WINDOW_MS: f64 = 1000.0;

    pub fn clear(&mut self) {
        self.samples.clear();
    }

    pub fn record(&mut self, now_ms: f64, steps: u64) {
        self.samples.push_back((now_ms, steps));
        while self.samples.len() > 2 && now_ms - self.samples[1].0 >= Self::WINDOW_MS {
            self.samples.pop_front();
        }
    }

    pub fn rate(&self) -> Option<f64> {
        let (t0, s0) = *self.samples.front()?;
        let (t1, s1) = *self.samples.back()?;
        (t1 - t0 > 100.0).then(|| (s1.saturating_sub(s0)) as f64 * 1000.0 / (t1 - t0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_stays_bounded_and_keeps_the_shape() {
        let mut h = LossHistory::new(100);
        h.set_initial(2.0);
        for s in 1..=100_000u64 {
            h.push(s, 1.0 / s as f64);
        }
        let p = h.points();
        assert!(p.len() <= 102, "{}", p.len());
        assert_eq!(p[0], LossPoint { step: 0, loss: 2.0 });
        assert_eq!(p.last().unwrap().step, 100_000);
        assert!(p.windows(2).all(|w| w[0].step < w[1].step));
        assert!(p.windows(2).all(|w| w[0].loss >= w[1].loss));
        assert_eq!(h.last().unwrap().loss, 1e-5);
        let (lo, hi) = h.range().unwrap();
        assert_eq!(hi, 2.0);
        assert!(lo > 0.0 && lo < 1e-4);
    }

    #[test]
    fn non_finite_losses_are_skipped() {
        let mut h = LossHistory::default();
        h.push(1, f64::NAN);
        h.push(2, f64::INFINITY);
        assert!(h.points().is_empty());
        assert_eq!(h.range(), None);
        h.push(3, 0.5);
        assert_eq!(h.recent_mean(10), Some(0.5));
    }

    #[test]
    fn rate_over_the_last_second() {
        let mut r = RateMeter::default();
        assert_eq!(r.rate(), None);
        for i in 0..=300u64 {
            r.record(i as f64 * 10.0, i * 5);
        }
        let rate = r.rate().unwrap();
        assert!((rate - 500.0).abs() < 1.0, "{rate}");
    }
}
