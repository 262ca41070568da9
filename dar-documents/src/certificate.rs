//! The share certificate: one A4 page that evidences a holder's registration on a date.

use dar_core::documents::{CERTIFICATE_LAYOUT, CertificateContent};

use crate::error::DocumentError;
use crate::fonts::{Face, fonts};
use crate::images::{Image, Images};
use crate::labels::labels;
use crate::layout::Align;
use crate::parts::{self, FOOTER_SIZE};
use crate::pdf::{self, Meta};
use crate::qr::Qr;

const LOGO_BOX: (f32, f32) = (120.0, 60.0);
const SIGNATURE_BOX: (f32, f32) = (150.0, 50.0);
const QR_SIZE: f32 = 86.0;

/// Renders a certificate record. Fails when the record was issued with another layout
/// version or names an image that is not in `images`.
pub fn certificate(
    content: &CertificateContent,
    images: &Images,
) -> Result<Vec<u8>, DocumentError> {
    if content.layout != CERTIFICATE_LAYOUT {
        return Err(DocumentError::UnsupportedLayout(content.layout));
    }
    let find = |sha: &Option<String>| -> Result<Option<Image>, DocumentError> {
        match sha {
            None => Ok(None),
            Some(sha) => images
                .get(sha)
                .cloned()
                .map(Some)
                .ok_or_else(|| DocumentError::MissingImage(sha.clone())),
        }
    };
    let logo = find(&content.logo_image)?;
    let signature = match &content.signatory {
        Some(s) => find(&s.signature_image)?,
        None => None,
    };

    let fonts = fonts()?;
    let l = labels(content.language);
    let mut pages = parts::new_pages(fonts);
    let (left, width) = (pages.left(), pages.width());

    // Header: the logo to the left of the cooperative's name, when there is one.
    let top = pages.y();
    let mut header_x = left;
    let mut header_bottom = top;
    if let Some(logo) = &logo {
        let (w, h) = fit(logo, LOGO_BOX);
        pages.image(logo.xobject_id(), left, top, w, h);
        header_x = left + LOGO_BOX.0 + 12.0;
        header_bottom = top + h;
    }
    parts::cooperative(
        &mut pages,
        l,
        &content.cooperative,
        header_x,
        left + width - header_x,
    );
    pages.set_y(pages.y().max(header_bottom) + 8.0);
    let y = pages.y();
    pages.rule(left, left + width, y, 0.8, 0.2);
    pages.gap(16.0);

    pages.paragraph_in(
        left,
        width,
        Face::Bold,
        17.0,
        l.certificate_title,
        Align::Center,
    );
    pages.gap(4.0);
    pages.paragraph_in(
        left,
        width,
        Face::Bold,
        13.0,
        &l.number(content.number),
        Align::Center,
    );
    pages.gap(12.0);
    parts::key_values(
        &mut pages,
        10.0,
        &[
            (l.as_of, l.date(content.as_of)),
            (l.issued_on, l.date(content.issued_on)),
        ],
    );
    pages.gap(12.0);

    pages.ensure(60.0);
    pages.paragraph(Face::Bold, 11.5, l.holder);
    pages.gap(3.0);
    parts::holder(&mut pages, l, &content.holder);
    pages.gap(12.0);

    if content.holdings.is_empty() {
        pages.paragraph(Face::Regular, 10.0, &l.no_shares(content.as_of));
    } else {
        parts::holdings(&mut pages, l, &content.holdings);
    }
    pages.gap(10.0);
    parts::ledger_point(&mut pages, l, &content.ledger);
    pages.gap(6.0);
    pages.paragraph(Face::Regular, 9.0, l.authoritative);
    pages.gap(18.0);

    // The signature sits on the right, as on a paper certificate.
    if let Some(signatory) = &content.signatory {
        let sig_width = width / 2.0 - 20.0;
        let sig_x = left + width - sig_width;
        pages.ensure(SIGNATURE_BOX.1 + 40.0);
        let top = pages.y();
        if let Some(signature) = &signature {
            let (w, h) = fit(signature, SIGNATURE_BOX);
            pages.image(
                signature.xobject_id(),
                sig_x,
                top + SIGNATURE_BOX.1 - h,
                w,
                h,
            );
        }
        pages.set_y(top + SIGNATURE_BOX.1 + 4.0);
        let y = pages.y();
        pages.rule(sig_x, sig_x + sig_width, y, 0.5, 0.4);
        pages.gap(3.0);
        pages.paragraph_in(
            sig_x,
            sig_width,
            Face::Bold,
            10.0,
            &signatory.name,
            Align::Left,
        );
        if let Some(title) = &signatory.title {
            pages.paragraph_in(sig_x, sig_width, Face::Regular, 9.0, title, Align::Left);
        }
        pages.gap(14.0);
    }

    // The QR code with the URL beside it on one line, so both can be copied or scanned.
    pages.ensure(QR_SIZE);
    let block_top = pages.y();
    let mut text_x = left;
    let mut block_bottom = block_top;
    let qr = Qr::new(&content.verify_url);
    if let Some(qr) = &qr {
        qr.draw(&mut pages, left, block_top, QR_SIZE);
        text_x = left + QR_SIZE + 6.0;
        block_bottom = block_top + QR_SIZE;
    }
    let text_width = left + width - text_x;
    pages.set_y(block_top + QR_SIZE / 2.0 - 12.0);
    pages.paragraph_in(
        text_x,
        text_width,
        Face::Regular,
        9.0,
        l.verify,
        Align::Left,
    );
    pages.gap(1.0);
    pages.paragraph_in(
        text_x,
        text_width,
        Face::Bold,
        8.5,
        &content.verify_url,
        Align::Left,
    );
    pages.set_y(pages.y().max(block_bottom));

    let footer_left = format!("{}: {}", l.certificate_id, content.certificate_id);
    let rendered = pages.finish(
        |page, total| {
            let right = if total > 1 {
                l.page(page, total)
            } else {
                String::new()
            };
            (footer_left.clone(), right)
        },
        FOOTER_SIZE,
    );

    let mut xobjects: Vec<_> = qr.iter().map(|qr| (qr.id(), qr.xobject())).collect();
    for image in logo.iter().chain(signature.iter()) {
        if !xobjects.iter().any(|(id, _)| *id == image.xobject_id()) {
            xobjects.push((image.xobject_id(), image.xobject()));
        }
    }
    let subject = format!("{} {}", l.number(content.number), content.holder.name);
    pdf::finish(
        fonts,
        rendered,
        xobjects,
        &Meta {
            title: l.certificate_title,
            subject: &subject,
            created: content.issued_on,
        },
    )
}

/// The largest size with the image's aspect that fits the box.
fn fit(image: &Image, (max_w, max_h): (f32, f32)) -> (f32, f32) {
    let aspect = image.aspect();
    if max_w / max_h > aspect {
        (max_h * aspect, max_h)
    } else {
        (max_w, max_w / aspect)
    }
}
