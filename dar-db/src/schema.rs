//! The diesel schema, written by hand to match both migration trees. Only column types that
//! both backends share are used: Text, BigInt, Integer, Bool, Date, Timestamp.

diesel::table! {
    tenants (id) {
        id -> Text,
        slug -> Text,
        legal_name -> Text,
        enterprise_number -> Text,
        legal_form -> Text,
        street -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Text,
        default_language -> Text,
        fiscal_year_end -> Text,
        voting_rule -> Text,
        locked_until -> Nullable<Date>,
        helpdesk_may_write -> Bool,
        status -> Text,
        ledger_head_seq -> BigInt,
        ledger_head_hash -> Text,
        next_register_number -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Nullable<Text>,
        disabled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    share_classes (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        code -> Text,
        name -> Text,
        nominal_value_cents -> BigInt,
        issue_price_cents -> BigInt,
        votes_per_share -> Integer,
        dividend_rights -> Bool,
        transfer_rule -> Text,
        max_shares_per_holder -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    shareholders (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        register_number -> BigInt,
        kind -> Text,
        status -> Text,
        admission_date -> Date,
        exit_date -> Nullable<Date>,
        exit_reason -> Nullable<Text>,
        version -> Integer,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        legal_name -> Nullable<Text>,
        national_number -> Nullable<Text>,
        enterprise_number -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        street -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        iban -> Nullable<Text>,
        language -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    shareholder_versions (tenant_id, shareholder_id, version) {
        tenant_id -> Text,
        shareholder_id -> Text,
        version -> Integer,
        valid_from -> Date,
        recorded_at -> Timestamp,
        actor -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        legal_name -> Nullable<Text>,
        national_number -> Nullable<Text>,
        enterprise_number -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        street -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        iban -> Nullable<Text>,
        language -> Text,
    }
}

diesel::table! {
    ledger_entries (tenant_id, seq) {
        tenant_id -> Text,
        seq -> BigInt,
        id -> Text,
        kind -> Text,
        effective_date -> Date,
        movement_date -> Date,
        recorded_at -> Timestamp,
        share_class_id -> Text,
        quantity -> BigInt,
        price_per_share_cents -> Nullable<BigInt>,
        amount_cents -> Nullable<BigInt>,
        capital_cents -> BigInt,
        paid_cents -> BigInt,
        from_shareholder_id -> Nullable<Text>,
        to_shareholder_id -> Nullable<Text>,
        sign -> Integer,
        reason -> Nullable<Text>,
        external_reference -> Nullable<Text>,
        reverses_seq -> Nullable<BigInt>,
        actor -> Text,
        idempotency_key -> Nullable<Text>,
        prev_seq -> Nullable<BigInt>,
        prev_hash -> Text,
        hash -> Text,
        request_entries -> Nullable<Integer>,
        request_hash -> Nullable<Text>,
        request_id -> Nullable<Text>,
        audit -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (tenant_id, key) {
        tenant_id -> Text,
        key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        user_id -> Text,
        role -> Text,
        tenant_id -> Nullable<Text>,
        shareholder_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invitations (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        email -> Text,
        role -> Text,
        shareholder_id -> Nullable<Text>,
        token_hash -> Text,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    platform_invitations (id) {
        id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    support_sessions (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        helpdesk_user_id -> Text,
        reason -> Text,
        ticket -> Text,
        can_write -> Bool,
        opened_at -> Timestamp,
        expires_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        at -> Timestamp,
        actor_user_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        action -> Text,
        object_type -> Nullable<Text>,
        object_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        source_ip -> Nullable<Text>,
        support_session_id -> Nullable<Text>,
        details -> Nullable<Text>,
    }
}

diesel::table! {
    document_images (tenant_id, sha256) {
        tenant_id -> Text,
        sha256 -> Text,
        media_type -> Text,
        bytes -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    document_settings (tenant_id) {
        tenant_id -> Text,
        signatory_name -> Nullable<Text>,
        signatory_title -> Nullable<Text>,
        logo_sha256 -> Nullable<Text>,
        signature_sha256 -> Nullable<Text>,
        updated_at -> Timestamp,
        holders_may_request_certificates -> Bool,
    }
}

diesel::table! {
    certificate_batches (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        status -> Text,
        as_of -> Nullable<Date>,
        selection -> Nullable<Text>,
        up_to_register_number -> BigInt,
        total -> BigInt,
        done -> BigInt,
        last_register_number -> BigInt,
        error -> Nullable<Text>,
        requested_by -> Text,
        created_at -> Timestamp,
        heartbeat_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    imports (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        mode -> Text,
        file_name -> Text,
        file -> Binary,
        file_sha256 -> Text,
        effective_date -> Nullable<Date>,
        control_total_cents -> Nullable<BigInt>,
        number_style -> Nullable<Text>,
        mapping -> Text,
        report -> Text,
        clean -> Bool,
        status -> Text,
        total -> BigInt,
        done -> BigInt,
        attempt -> Integer,
        error -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        heartbeat_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    import_mappings (tenant_id, header) {
        tenant_id -> Text,
        header -> Text,
        field -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    certificates (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        number -> BigInt,
        shareholder_id -> Text,
        as_of -> Date,
        ledger_seq -> Nullable<BigInt>,
        ledger_hash -> Nullable<Text>,
        language -> Text,
        layout -> Integer,
        content -> Text,
        pdf_sha256 -> Text,
        supersedes -> Nullable<Text>,
        batch_id -> Nullable<Text>,
        issued_by -> Text,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    web_sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        recipient -> Text,
        language -> Text,
        kind -> Text,
        subject -> Text,
        body_text -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        document_id -> Nullable<Text>,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    holding_positions (tenant_id, shareholder_id, share_class_id, movement_date) {
        tenant_id -> Text,
        shareholder_id -> Text,
        share_class_id -> Text,
        movement_date -> Date,
        quantity -> BigInt,
        capital_cents -> BigInt,
        paid_cents -> BigInt,
        max_quantity -> Nullable<BigInt>,
    }
}

diesel::table! {
    billing_identity (id) {
        id -> Integer,
        name -> Text,
        street -> Text,
        postal_code -> Text,
        city -> Text,
        country -> Text,
        enterprise_number -> Text,
        vat_number -> Text,
        iban -> Text,
        bic -> Nullable<Text>,
        peppol_id -> Text,
        email -> Text,
        footer -> Text,
        payment_term_days -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    billing_plans (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        onboarding_fee_cents -> BigInt,
        migration_fee_cents -> BigInt,
        vat_rate -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    billing_plan_tiers (plan_id, position) {
        plan_id -> Text,
        position -> Integer,
        up_to -> Nullable<BigInt>,
        member_fee_cents -> BigInt,
        non_member_fee_cents -> BigInt,
    }
}

diesel::table! {
    billing_profiles (tenant_id) {
        tenant_id -> Text,
        plan_id -> Text,
        member -> Bool,
        billing_start -> Date,
        migration -> Bool,
        name -> Text,
        street -> Text,
        postal_code -> Text,
        city -> Text,
        country -> Text,
        enterprise_number -> Text,
        vat_number -> Nullable<Text>,
        peppol_id -> Nullable<Text>,
        email -> Text,
        language -> Text,
        yearly_fee_cents -> Nullable<BigInt>,
        onboarding_fee_cents -> Nullable<BigInt>,
        migration_fee_cents -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    billing_series (kind, year) {
        kind -> Text,
        year -> Integer,
        last_seq -> Integer,
    }
}

diesel::table! {
    billing_documents (id) {
        id -> Text,
        kind -> Text,
        year -> Integer,
        seq -> Integer,
        number -> Text,
        tenant_id -> Text,
        corrects_id -> Nullable<Text>,
        billing_year -> Nullable<Integer>,
        issue_date -> Date,
        due_date -> Nullable<Date>,
        language -> Text,
        net_cents -> BigInt,
        vat_cents -> BigInt,
        gross_cents -> BigInt,
        structured_communication -> Nullable<Text>,
        seller -> Text,
        buyer -> Text,
        note -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    billing_lines (document_id, position) {
        document_id -> Text,
        position -> Integer,
        description -> Text,
        quantity -> Text,
        unit_price_cents -> BigInt,
        vat_rate -> Text,
        net_cents -> BigInt,
        vat_cents -> BigInt,
    }
}

diesel::table! {
    billing_payments (id) {
        id -> Text,
        invoice_id -> Text,
        amount_cents -> BigInt,
        paid_on -> Date,
        method -> Text,
        bank_reference -> Nullable<Text>,
        payer -> Nullable<Text>,
        note -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    holding_positions,
    tenants,
    users,
    share_classes,
    shareholders,
    shareholder_versions,
    ledger_entries,
    idempotency_keys,
    grants,
    refresh_tokens,
    web_sessions,
    invitations,
    platform_invitations,
    support_sessions,
    audit_events,
    document_images,
    document_settings,
    certificate_batches,
    certificates,
    imports,
    import_mappings,
    mail_outbox,
    password_resets,
    billing_identity,
    billing_plans,
    billing_plan_tiers,
    billing_profiles,
    billing_series,
    billing_documents,
    billing_lines,
    billing_payments,
);
