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

/// One checked output, written at commit: `bytes` to `dst`, then zeros up to
/// `len` bytes (a fixed-size field is cleared past its string).
struct Pending {
    dst: *mut u8,
    bytes: Vec<u8>,
    len: usize,
}

/// The outputs of one call, all or nothing: each is checked as it is added
/// (NULL -> LA_FAIL, too small -> LA_E_BUFFER_SIZE) and nothing is written
/// until [`Staged::commit`], so a call that fails on its third output has not
/// written its first. Every export with more than one output uses it.
#[derive(Default)]
pub struct Staged<'a> {
    pending: Vec<Pending>,
    /// The borrowed struct fields live at least as long as this.
    _fields: std::marker::PhantomData<&'a mut ()>,
}

/// The bytes of text units and their NUL.
fn unit_bytes(units: &[CHARTYPE]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(std::mem::size_of_val(units) + 2);
    for u in units.iter().chain(std::iter::once(&0)) {
        bytes.extend_from_slice(&u.to_ne_bytes());
    }
    bytes
}

/// The bytes of a plain value (integers only: no padding, no pointers).
fn value_bytes<T: Copy>(value: &T) -> &[u8] {
    // SAFETY: `value` is a valid, initialised T; the callers pass integers,
    // whose bytes are all initialised.
    unsafe {
        std::slice::from_raw_parts((value as *const T).cast::<u8>(), std::mem::size_of::<T>())
    }
}

impl<'a> Staged<'a> {
    /// No outputs yet.
    pub fn new() -> Self {
        Staged::default()
    }

    /// Queues `bytes` for `dst`, zero-filled up to `len` bytes.
    fn push(&mut self, dst: *mut u8, bytes: Vec<u8>, len: usize) {
        self.pending.push(Pending { dst, bytes, len });
    }

    /// A string for a caller buffer of `length` units (the buffer contract).
    ///
    /// # Safety
    /// `buf` is NULL or writable for `length` units until the commit.
    pub unsafe fn text(&mut self, buf: STRTYPE, length: u32, value: &str) -> Result<(), Status> {
        let bytes = unit_bytes(&text_units(buf, length as usize, value)?);
        let len = bytes.len();
        self.push(buf.cast(), bytes, len);
        Ok(())
    }

    /// An integer for an out-parameter; NULL -> LA_FAIL.
    ///
    /// # Safety
    /// `p` is NULL or valid for a write of `T` until the commit.
    pub unsafe fn value<T: Copy>(&mut self, p: *mut T, value: T) -> Result<(), Status> {
        if p.is_null() {
            return Err(Status::Fail);
        }
        let bytes = value_bytes(&value).to_vec();
        let len = bytes.len();
        self.push(p.cast(), bytes, len);
        Ok(())
    }

    /// A string for a fixed-size struct field (same contract, on memory we
    /// borrow mutably): unused units are zeroed.
    pub fn field(&mut self, field: &'a mut [CHARTYPE], value: &str) -> Result<(), Status> {
        let units = encode(value);
        if units.len() + 1 > field.len() {
            return Err(Status::BufferSize);
        }
        let len = std::mem::size_of_val(field);
        self.push(field.as_mut_ptr().cast(), unit_bytes(&units), len);
        Ok(())
    }

    /// An integer for a struct field.
    pub fn set<T: Copy>(&mut self, slot: &'a mut T, value: T) {
        let bytes = value_bytes(&value).to_vec();
        let len = bytes.len();
        self.push((slot as *mut T).cast(), bytes, len);
    }

    /// Writes every output.
    pub fn commit(self) -> Result<(), Status> {
        for p in self.pending {
            // SAFETY: each destination was checked (non-NULL, `len` bytes
            // writable: the caller's capacity or a field we borrow) when it
            // was added, and `bytes.len() <= len`.
            unsafe {
                std::ptr::copy_nonoverlapping(p.bytes.as_ptr(), p.dst, p.bytes.len());
                std::ptr::write_bytes(p.dst.add(p.bytes.len()), 0, p.len - p.bytes.len());
            }
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
