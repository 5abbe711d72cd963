// The server this package was packed for. `streamtide extension pack --server https://…` writes
// its own copy of this file with the operator's server; this one (no server) makes the first new
// tab ask for one.
export const PACKED_SERVER = null;
