//! A named parameter with its gradient beside it, as recurrentjs keeps
//! `Mat {w, dw}`: the optimiser, the clipper and the trace all walk the same
//! list of these.

use crate::real::Real;
use nalgebra::DMatrix;

#[derive(Clone, Debug)]
pub struct Param<T: Real> {
    /// Stable name, e.g. "W", "fwd.U", "V" (see each model's docs).
    pub name: String,
    pub value: DMatrix<T>,
    /// ∂L/∂value from the last backward pass.
    pub grad: DMatrix<T>,
}

impl<T: Real> Param<T> {
    pub fn new(name: impl Into<String>, value: DMatrix<f64>) -> Self {
        let value = value.map(T::of);
        let grad = DMatrix::zeros(value.nrows(), value.ncols());
        Param {
            name: name.into(),
            value,
            grad,
        }
    }

    pub fn zero_grad(&mut self) {
        self.grad.fill(T::zero());
    }
}

/// Visits every parameter of a model, in a fixed order.
pub trait Params<T: Real> {
    fn visit(&self, f: &mut dyn FnMut(&Param<T>));
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Param<T>));

    /// Names, in visiting order.
    fn param_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.visit(&mut |p| names.push(p.name.clone()));
        names
    }

    /// A parameter's value as f64 rows, by name.
    fn get_param(&self, name: &str) -> Option<DMatrix<f64>> {
        let mut found = None;
        self.visit(&mut |p| {
            if p.name == name {
                found = Some(p.value.map(|x| x.f64()));
            }
        });
        found
    }

    /// A parameter's gradient, by name.
    fn get_grad(&self, name: &str) -> Option<DMatrix<f64>> {
        let mut found = None;
        self.visit(&mut |p| {
            if p.name == name {
                found = Some(p.grad.map(|x| x.f64()));
            }
        });
        found
    }

    /// Sets a parameter by name. Errors on an unknown name or wrong shape.
    fn set_param(&mut self, name: &str, value: &DMatrix<f64>) -> Result<(), crate::Error> {
        let mut result = Err(crate::Error::UnknownParameter(name.to_string()));
        self.visit_mut(&mut |p| {
            if p.name == name {
                result = if p.value.shape() == value.shape() {
                    p.value = value.map(T::of);
                    Ok(())
                } else {
                    Err(crate::Mismatch::Param {
                        name: name.to_string(),
                        expected: p.value.shape(),
                        got: value.shape(),
                    }
                    .into())
                };
            }
        });
        result
    }

    /// Every parameter as (name, rows, cols, row-major values): the form in
    /// which experiments are saved and shared.
    fn export(&self) -> Vec<SavedParam> {
        let mut out = Vec::new();
        self.visit(&mut |p| {
            out.push(SavedParam {
                name: p.name.clone(),
                rows: p.value.nrows(),
                cols: p.value.ncols(),
                values: p.value.transpose().iter().map(|x| x.f64()).collect(),
            })
        });
        out
    }

    /// Loads parameters saved by `export`; all or nothing.
    fn import(&mut self, saved: &[SavedParam]) -> Result<(), crate::Error> {
        let mut staged = Vec::new();
        for s in saved {
            if s.values.len() != s.rows * s.cols {
                return Err(crate::Mismatch::ValueCount {
                    name: s.name.clone(),
                    expected: s.rows * s.cols,
                    got: s.values.len(),
                }
                .into());
            }
            staged.push((
                s.name.as_str(),
                DMatrix::from_row_slice(s.rows, s.cols, &s.values),
            ));
        }
        let before = self.export();
        for (name, m) in &staged {
            if let Err(e) = self.set_param(name, m) {
                // Restore what was already written so a bad file changes nothing.
                for b in &before {
                    let m = DMatrix::from_row_slice(b.rows, b.cols, &b.values);
                    let _ = self.set_param(&b.name, &m);
                }
                return Err(e);
            }
        }
        Ok(())
    }
}

/// A parameter in plain, serialisable form.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedParam {
    pub name: String,
    pub rows: usize,
    pub cols: usize,
    /// Row-major.
    pub values: Vec<f64>,
}
