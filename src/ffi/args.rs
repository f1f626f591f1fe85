//! All pointer handling at the C boundary: strings in, buffers out,
//! out-parameters, fixed-size struct fields. Nothing else in `ffi`
//! dereferences a raw pointer.

use crate::core::limits::MAX_INPUT;
use crate::status::Status;

use super::types::{CHARTYPE, CSTRTYPE, STRTYPE};

/// Reads a NUL-terminated string argument. NULL, invalid encoding or more
/// than `MAX_INPUT` units give `bad`.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string readable up to its NUL
/// (or up to `MAX_INPUT + 1` units).
pub unsafe fn str_in(p: CSTRTYPE, bad: Status) -> Result<String, Status> {
    if p.is_null() {
        return Err(bad);
    }
    let mut len = 0usize;
    // SAFETY: the caller guarantees readability up to the terminator; we stop
    // at the first NUL or one past the limit.
    while len <= MAX_INPUT && unsafe { *p.add(len) } != 0 {
        len += 1;
    }
    if len > MAX_INPUT {
        return Err(bad);
    }
    // SAFETY: `len` units were just read as initialised.
    let units = unsafe { std::slice::from_raw_parts(p, len) };
    decode(units).ok_or(bad)
}

#[cfg(not(windows))]
fn decode(units: &[CHARTYPE]) -> Option<String> {
    // SAFETY: c_char and u8 have the same size and alignment.
    let bytes = unsafe { std::slice::from_raw_parts(units.as_ptr().cast::<u8>(), units.len()) };
    std::str::from_utf8(bytes).ok().map(str::to_owned)
}

#[cfg(windows)]
fn decode(units: &[CHARTYPE]) -> Option<String> {
    String::from_utf16(units).ok()
}

#[cfg(not(windows))]
fn encode(value: &str) -> Vec<CHARTYPE> {
    value.bytes().map(|b| b as CHARTYPE).collect()
}

#[cfg(windows)]
fn encode(value: &str) -> Vec<CHARTYPE> {
    value.encode_utf16().collect()
}

/// The units a string takes in a buffer of `length` units including the NUL:
/// LA_E_BUFFER_SIZE when it does not fit, LA_FAIL for a NULL buffer.
fn text_units(buf: STRTYPE, length: usize, value: &str) -> Result<Vec<CHARTYPE>, Status> {
    if buf.is_null() {
        return Err(Status::Fail);
    }
    let units = encode(value);
    if units.len() + 1 > length {
        return Err(Status::BufferSize);
    }
    Ok(units)
}

/// Writes checked units and the NUL.
///
/// # Safety
/// `buf` is writable for `units.len() + 1` units (checked by [`text_units`]
/// against the caller's `length`).
unsafe fn write_units(buf: STRTYPE, units: &[CHARTYPE]) {
    // SAFETY: per the contract above.
    unsafe {
        std::ptr::copy_nonoverlapping(units.as_ptr(), buf, units.len());
        *buf.add(units.len()) = 0;
    }
}

/// Writes a string into a caller buffer of `length` units including the NUL.
/// Too small -> LA_E_BUFFER_SIZE with the buffer untouched; NULL -> LA_FAIL.
/// For one output; a call with several uses [`Staged`].
///
/// # Safety
/// `buf` is NULL or writable for `length` units.
pub unsafe fn buf_out(buf: STRTYPE, length: u32, value: &str) -> Result<(), Status> {
    let units = text_units(buf, length as usize, value)?;
    // SAFETY: the caller guarantees `length` writable units; text_units
    // checked units.len() + 1 <= length.
    unsafe { write_units(buf, &units) };
    Ok(())
}

/// The outputs of one call, all or nothing: each is checked as it is added
/// (NULL -> LA_FAIL, too small -> LA_E_BUFFER_SIZE) and nothing is written
/// until [`Staged::commit`], so a call that fails on its third output has not
/// written its first. Every export with more than one output uses it.
#[derive(Default)]
pub struct Staged<'a> {
    writes: Vec<Box<dyn FnOnce() + 'a>>,
}

impl<'a> Staged<'a> {
    /// No outputs yet.
    pub fn new() -> Self {
        Staged::default()
    }

    /// A string for a caller buffer of `length` units (the buffer contract).
    ///
    /// # Safety
    /// `buf` is NULL or writable for `length` units until the commit.
    pub unsafe fn text(&mut self, buf: STRTYPE, length: u32, value: &str) -> Result<(), Status> {
        let units = text_units(buf, length as usize, value)?;
        // SAFETY: checked above against the caller's capacity.
        self.writes
            .push(Box::new(move || unsafe { write_units(buf, &units) }));
        Ok(())
    }

    /// A value for an out-parameter; NULL -> LA_FAIL.
    ///
    /// # Safety
    /// `p` is NULL or valid for a write of `T` until the commit.
    pub unsafe fn value<T: 'a>(&mut self, p: *mut T, value: T) -> Result<(), Status> {
        if p.is_null() {
            return Err(Status::Fail);
        }
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        self.writes
            .push(Box::new(move || unsafe { p.write_unaligned(value) }));
        Ok(())
    }

    /// A string for a fixed-size struct field (same contract, on memory we
    /// borrow mutably): unused units are zeroed.
    pub fn field(&mut self, field: &'a mut [CHARTYPE], value: &str) -> Result<(), Status> {
        let units = encode(value);
        if units.len() + 1 > field.len() {
            return Err(Status::BufferSize);
        }
        self.writes.push(Box::new(move || {
            field.fill(0);
            for (dst, src) in field.iter_mut().zip(units) {
                *dst = src;
            }
        }));
        Ok(())
    }

    /// A plain value for a struct field.
    pub fn set<T: 'a>(&mut self, slot: &'a mut T, value: T) {
        self.writes.push(Box::new(move || *slot = value));
    }

    /// Writes every output.
    pub fn commit(self) -> Result<(), Status> {
        for write in self.writes {
            write();
        }
        Ok(())
    }
}

/// LA_E_BUFFER_SIZE when `needed` items do not fit in `capacity` (arrays the
/// caller passes, fixed-size arrays inside structs).
pub fn fits(needed: usize, capacity: usize) -> Result<(), Status> {
    if needed > capacity {
        return Err(Status::BufferSize);
    }
    Ok(())
}

/// Copies a string into a fixed-size struct field (same contract as
/// [`buf_out`], on memory we own through a `&mut`).
pub fn field_out(field: &mut [CHARTYPE], value: &str) -> Result<(), Status> {
    let units = encode(value);
    if units.len() + 1 > field.len() {
        return Err(Status::BufferSize);
    }
    field.fill(0);
    field
        .get_mut(..units.len())
        .ok_or(Status::BufferSize)?
        .copy_from_slice(&units);
    Ok(())
}

/// Stores a value through an out-parameter; NULL -> LA_FAIL.
///
/// # Safety
/// `p` is NULL or valid for a write of `T`.
pub unsafe fn out<T>(p: *mut T, value: T) -> Result<(), Status> {
    if p.is_null() {
        return Err(Status::Fail);
    }
    // SAFETY: checked non-NULL; the caller guarantees it is writable.
    unsafe { p.write_unaligned(value) };
    Ok(())
}

/// Borrows an out-struct; NULL -> LA_FAIL.
///
/// # Safety
/// `p` is NULL or points to a writable, properly aligned `T` that nothing
/// else accesses during the call.
pub unsafe fn struct_out<'a, T>(p: *mut T) -> Result<&'a mut T, Status> {
    // SAFETY: per the contract above.
    unsafe { p.as_mut() }.ok_or(Status::Fail)
}

/// Borrows an out-array of `length` structs; NULL -> LA_FAIL.
///
/// # Safety
/// `p` is NULL or points to `length` writable, aligned `T`s.
pub unsafe fn array_out<'a, T>(p: *mut T, length: u32) -> Result<&'a mut [T], Status> {
    if p.is_null() {
        return Err(Status::Fail);
    }
    // SAFETY: per the contract above.
    Ok(unsafe { std::slice::from_raw_parts_mut(p, length as usize) })
}

/// Encodes a string for handing to a callback (NUL-terminated).
pub fn callback_string(value: &str) -> Vec<CHARTYPE> {
    let mut v = encode(value);
    v.push(0);
    v
}
