// `embed_migrations!` reads the migration directories at compile time, but cargo does not
// know it: without this, a new migration is not embedded until some source file changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
