//! The API reference at `/docs`: Redoc reading our OpenAPI document, with every asset
//! served from this binary, so the page works without internet access (an operator's
//! laptop on an internal network, a CI machine) and loads nothing from third parties.

use actix_web::http::header;
use actix_web::{HttpResponse, get};

pub const DOCS_PATH: &str = "/docs";

/// The vendored Redoc release (see `dar-api/assets/redoc/README.md`).
pub const REDOC_VERSION: &str = "2.5.2";

/// The bundle's URL names its version, so a browser may cache it for good.
pub const REDOC_PATH: &str = "/docs/redoc-2.5.2.standalone.js";

const REDOC_JS: &[u8] = include_bytes!("../assets/redoc/redoc.standalone.js");

/// Redoc styles with inline styles and runs its search index in a worker built from a
/// blob; everything else is this origin's own. The policy keeps the browser from loading
/// anything else: Redoc's footer links a logo on a CDN, which is then not fetched (Redoc
/// hides the image when it fails) and no font is fetched from a font service.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
    font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

fn page() -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DAR API reference</title>
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<redoc spec-url="/api/v1/openapi.json"></redoc>
<script src="{REDOC_PATH}"></script>
</body>
</html>
"#
    )
}

#[get("/docs")]
pub async fn docs() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .body(page())
}

#[get("/docs/redoc-2.5.2.standalone.js")]
pub async fn redoc() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(REDOC_JS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_path_names_the_vendored_version() {
        assert_eq!(
            REDOC_PATH,
            format!("/docs/redoc-{REDOC_VERSION}.standalone.js")
        );
        // The bundle's header points at its notices file, which names the release.
        let notices = include_str!("../assets/redoc/redoc.standalone.js.LICENSE.txt");
        assert!(
            notices.contains(&format!("Version: \"{REDOC_VERSION}\"")),
            "the vendored bundle is not Redoc {REDOC_VERSION}"
        );
    }
}
