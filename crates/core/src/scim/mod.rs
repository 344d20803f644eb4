//! SCIM 2.0 (RFC 7643 / 7644) as provisioning clients speak it: filters to find resources
//! and PATCH operations to change them, both over a resource's JSON representation. What a
//! resource means (accounts, studios) is the server's business.

pub mod filter;
pub mod patch;

pub use filter::{AttrPath, CompareOp, Filter, FilterError};
pub use patch::{Operation, OperationKind, PatchError, PatchPath};
