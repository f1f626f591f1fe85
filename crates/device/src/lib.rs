//! placeholder, replaced by the device helper
