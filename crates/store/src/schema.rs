//! Diesel table definitions, shared by SQLite and PostgreSQL (portable column types only).

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        email_verified -> Bool,
        name -> Nullable<Text>,
        phone_number -> Nullable<Text>,
        phone_number_verified -> Bool,
        locale -> Nullable<Text>,
        status -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        last_studio_id -> Nullable<Text>,
        password_changed_at -> Nullable<BigInt>,
        trade_name -> Nullable<Text>,
        country -> Nullable<Text>,
        city -> Nullable<Text>,
        date_of_birth -> Nullable<Text>,
        company -> Nullable<Text>,
        job_title -> Nullable<Text>,
        closed_at -> Nullable<BigInt>,
        passkey_handle -> Nullable<Text>,
        preferred_factor -> Nullable<Text>,
        is_instance_admin -> Bool,
    }
}

diesel::table! {
    user_credentials (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        secret -> Text,
        label -> Nullable<Text>,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
        confirmed_at -> Nullable<BigInt>,
        last_step -> Nullable<BigInt>,
        lookup -> Nullable<Text>,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        secret_digest -> Nullable<Text>,
        redirect_uris -> Text,
        post_logout_redirect_uris -> Text,
        grant_types -> Text,
        scopes -> Text,
        is_first_party -> Bool,
        access_token_audiences -> Text,
        id_token_signing_alg -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        allowed_studios -> Text,
        require_studio -> Bool,
        backchannel_logout_uri -> Nullable<Text>,
        allows_registration -> Bool,
        jwks -> Nullable<Text>,
        jwks_uri -> Nullable<Text>,
        require_pushed_requests -> Bool,
        fapi -> Bool,
        userinfo_signing_alg -> Nullable<Text>,
        secret_encrypted -> Nullable<Text>,
    }
}

diesel::table! {
    initial_access_tokens (token_digest) {
        token_digest -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    client_registrations (client_id) {
        client_id -> Text,
        token_digest -> Text,
    }
}

diesel::table! {
    pushed_requests (uri_digest) {
        uri_digest -> Text,
        client_id -> Text,
        parameters -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        token_digest -> Text,
        user_id -> Text,
        auth_time -> BigInt,
        amr -> Text,
        acr -> Text,
        is_persistent -> Bool,
        user_agent -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        created_at -> BigInt,
        last_seen_at -> BigInt,
        expires_at -> BigInt,
        ended_at -> Nullable<BigInt>,
        studio_id -> Nullable<Text>,
        device_id -> Nullable<Text>,
    }
}

diesel::table! {
    authorization_flows (id_digest) {
        id_digest -> Text,
        client_id -> Text,
        request -> Text,
        progress -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    consents (user_id, client_id) {
        user_id -> Text,
        client_id -> Text,
        scopes -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        client_id -> Text,
        user_id -> Text,
        session_id -> Nullable<Text>,
        scopes -> Text,
        auth_time -> BigInt,
        amr -> Text,
        acr -> Text,
        is_offline -> Bool,
        created_at -> BigInt,
        expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        studio_id -> Nullable<Text>,
        device_id -> Nullable<Text>,
        dpop_jkt -> Nullable<Text>,
    }
}

diesel::table! {
    authorization_codes (code_digest) {
        code_digest -> Text,
        client_id -> Text,
        user_id -> Text,
        session_id -> Text,
        redirect_uri -> Text,
        scopes -> Text,
        nonce -> Nullable<Text>,
        code_challenge -> Nullable<Text>,
        auth_time -> BigInt,
        amr -> Text,
        acr -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        consumed_at -> Nullable<BigInt>,
        grant_id -> Nullable<Text>,
        studio_id -> Nullable<Text>,
        dpop_jkt -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        token_digest -> Text,
        grant_id -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    revoked_access_tokens (jti) {
        jti -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        algorithm -> Text,
        status -> Text,
        private_key -> Text,
        public_jwk -> Text,
        created_at -> BigInt,
        activated_at -> Nullable<BigInt>,
        retired_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    instance_secrets (name) {
        name -> Text,
        ciphertext -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    studios (id) {
        id -> Text,
        slug -> Text,
        licence_number -> Nullable<Text>,
        name -> Text,
        settings -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    studio_roles (studio_id, name) {
        studio_id -> Text,
        name -> Text,
        permissions -> Text,
    }
}

diesel::table! {
    memberships (studio_id, user_id) {
        studio_id -> Text,
        user_id -> Text,
        roles -> Text,
        username -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    devices (id) {
        id -> Text,
        user_id -> Text,
        token_digest -> Text,
        name -> Text,
        user_agent -> Nullable<Text>,
        first_seen_at -> BigInt,
        last_seen_at -> BigInt,
        mfa_remembered_until -> Nullable<BigInt>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        locked_until -> Nullable<BigInt>,
        delivered_at -> Nullable<BigInt>,
        failed_at -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
        webhook_id -> Nullable<Text>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        studio_id -> Nullable<Text>,
        url -> Text,
        description -> Text,
        events -> Text,
        secret -> Text,
        enabled -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    dpop_proofs (jti_digest) {
        jti_digest -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    verification_codes (id) {
        id -> Text,
        purpose -> Text,
        user_id -> Nullable<Text>,
        channel -> Text,
        target -> Nullable<Text>,
        request_digest -> Text,
        link_digest -> Nullable<Text>,
        code_digest -> Nullable<Text>,
        attempts -> Integer,
        data -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        consumed_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    password_history (id) {
        id -> Text,
        user_id -> Text,
        hash -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        occurred_at -> BigInt,
        kind -> Text,
        user_id -> Nullable<Text>,
        subject -> Text,
        actor -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        detail -> Text,
        studio_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (principal, key) {
        principal -> Text,
        key -> Text,
        request_digest -> Text,
        status -> Integer,
        body -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    backoff (key) {
        key -> Text,
        failures -> Integer,
        last_failure -> BigInt,
    }
}

diesel::table! {
    leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    rate_limits (key, window_start) {
        key -> Text,
        window_start -> BigInt,
        count -> Integer,
    }
}

diesel::table! {
    upstream_providers (id) {
        id -> Text,
        kind -> Text,
        display_name -> Text,
        client_id -> Text,
        sealed_client_secret -> Nullable<Text>,
        issuer -> Nullable<Text>,
        endpoints -> Text,
        scopes -> Text,
        claims -> Text,
        email_trusted -> Bool,
        button_order -> Integer,
        enabled -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    federated_identities (provider_id, subject) {
        provider_id -> Text,
        subject -> Text,
        user_id -> Text,
        email -> Nullable<Text>,
        created_at -> BigInt,
        last_used_at -> BigInt,
    }
}

diesel::table! {
    upstream_attempts (state_digest) {
        state_digest -> Text,
        provider_id -> Text,
        sealed -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::joinable!(user_credentials -> users (user_id));
diesel::joinable!(federated_identities -> users (user_id));
diesel::joinable!(federated_identities -> upstream_providers (provider_id));
diesel::joinable!(memberships -> studios (studio_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(studio_roles -> studios (studio_id));
diesel::joinable!(devices -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> grants (grant_id));
diesel::joinable!(grants -> users (user_id));

diesel::table! {
    logos (digest) {
        digest -> Text,
        media_type -> Text,
        content -> Binary,
        created_at -> BigInt,
    }
}

diesel::table! {
    brandings (owner) {
        owner -> Text,
        studio_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        display_name -> Nullable<Text>,
        accent_color -> Nullable<Text>,
        logo_digest -> Nullable<Text>,
        updated_at -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    users,
    user_credentials,
    clients,
    pushed_requests,
    initial_access_tokens,
    client_registrations,
    sessions,
    authorization_flows,
    consents,
    grants,
    authorization_codes,
    refresh_tokens,
    revoked_access_tokens,
    signing_keys,
    instance_secrets,
    studios,
    studio_roles,
    memberships,
    devices,
    outbox,
    webhooks,
    dpop_proofs,
    verification_codes,
    password_history,
    audit_events,
    backoff,
    leases,
    rate_limits,
    upstream_providers,
    federated_identities,
    upstream_attempts,
    idempotency_keys,
    logos,
    brandings,
);
