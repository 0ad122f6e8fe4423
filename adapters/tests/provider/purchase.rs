//! `purchase`, `configure_webhooks`, `release` and `list_owned` against the sandbox.

use switchboard_application::ports::{ProviderError, PurchaseTarget, TelephonyProvider};
use switchboard_domain::NumberType;

use crate::helpers::{area, e164, purchase, purchase_number, query, spawn_sandbox, webhooks};

#[tokio::test]
async fn buying_a_number_stores_its_webhooks_and_takes_it_off_sale() {
    let t = spawn_sandbox().await;
    let mut q = query(NumberType::Local, 1000);
    q.area_code = Some(area("206"));
    let on_sale = t.client.search_available(&q).await.unwrap();
    let wanted = on_sale[2].phone_number.clone();

    let owned = t
        .client
        .purchase(&purchase_number(wanted.as_str()))
        .await
        .unwrap();
    assert_eq!(owned.phone_number, wanted);
    assert!(owned.provider_sid.starts_with("PN") && owned.provider_sid.len() == 34);
    assert_eq!(owned.friendly_name.as_deref(), Some("Acme Bakery"));
    let expected = webhooks("https://switchboard.example");
    assert_eq!(owned.sms_url.as_deref(), Some(expected.sms_url.as_str()));
    assert_eq!(
        owned.status_callback.as_deref(),
        Some(expected.call_status_callback.as_str())
    );
    assert_eq!(
        owned.voice_url.as_deref(),
        Some(expected.voice_url.as_str())
    );
    assert_eq!(owned.voice_method.as_deref(), Some("POST"));
    assert_eq!(
        owned.voice_fallback_url.as_deref(),
        Some(expected.voice_fallback_url.as_str())
    );
    assert!(owned.capabilities.sms);

    assert_eq!(t.client.list_owned().await.unwrap(), vec![owned]);
    let after = t.client.search_available(&q).await.unwrap();
    assert_eq!(after.len(), on_sale.len() - 1);
    assert!(after.iter().all(|n| n.phone_number != wanted));
}

#[tokio::test]
async fn buying_by_area_code_picks_a_number_in_that_area_code() {
    let t = spawn_sandbox().await;
    let owned = t
        .client
        .purchase(&purchase(PurchaseTarget::us_local(area("303"))))
        .await
        .unwrap();
    assert!(owned.phone_number.as_str().starts_with("+1303"));
    let listed = t.client.list_owned().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].sms_url.as_deref(),
        Some("https://switchboard.example/webhooks/twilio/messages#rc=3&rp=5xx,ct,rt")
    );
}

#[tokio::test]
async fn configure_webhooks_replaces_the_urls() {
    let t = spawn_sandbox().await;
    let owned = t
        .client
        .purchase(&purchase_number("+15125550101"))
        .await
        .unwrap();
    let moved = webhooks("https://new.example");
    let updated = t
        .client
        .configure_webhooks(&owned.provider_sid, &moved)
        .await
        .unwrap();
    assert_eq!(updated.provider_sid, owned.provider_sid);
    assert_eq!(updated.sms_url.as_deref(), Some(moved.sms_url.as_str()));
    assert_eq!(
        updated.status_callback.as_deref(),
        Some(moved.call_status_callback.as_str())
    );
    assert_eq!(
        updated.voice_url.as_deref(),
        Some("https://new.example/webhooks/twilio/voice")
    );
    assert_eq!(t.client.list_owned().await.unwrap(), vec![updated]);
}

#[tokio::test]
async fn a_released_number_returns_to_the_inventory() {
    let t = spawn_sandbox().await;
    let number = e164("+12125550103");
    let owned = t
        .client
        .purchase(&purchase_number(number.as_str()))
        .await
        .unwrap();
    t.client.release(&owned.provider_sid).await.unwrap();

    assert!(t.client.list_owned().await.unwrap().is_empty());
    let mut q = query(NumberType::Local, 1000);
    q.area_code = Some(area("212"));
    let on_sale = t.client.search_available(&q).await.unwrap();
    assert_eq!(on_sale.len(), 100);
    assert_eq!(
        on_sale[3].phone_number, number,
        "back in its original place"
    );
    // It can be bought again.
    t.client
        .purchase(&purchase_number(number.as_str()))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_magic_test_number_is_bought_by_number_or_by_area_code_500() {
    let t = spawn_sandbox().await;
    let owned = t
        .client
        .purchase(&purchase_number("+15005550006"))
        .await
        .unwrap();
    assert_eq!(owned.friendly_name.as_deref(), Some("Acme Bakery"));
    t.client.release(&owned.provider_sid).await.unwrap();
    let by_area = t
        .client
        .purchase(&purchase(PurchaseTarget::us_local(area("500"))))
        .await
        .unwrap();
    assert_eq!(by_area.phone_number.as_str(), "+15005550006");
    // Only one such number: area code 500 is now empty.
    let again = t
        .client
        .purchase(&purchase(PurchaseTarget::us_local(area("500"))))
        .await
        .unwrap_err();
    assert!(
        matches!(again, ProviderError::NoNumbersInAreaCode(_)),
        "{again:?}"
    );
}

#[tokio::test]
async fn buying_the_first_number_in_an_area_code_skips_voice_only_numbers() {
    let t = spawn_sandbox().await;
    // 415-555-0100…0103 can text; 0104, the next on sale, is voice-only.
    for line in 100..104 {
        t.client
            .purchase(&purchase_number(&format!("+1415555{line:04}")))
            .await
            .unwrap();
    }
    let mut q = query(NumberType::Local, 1);
    q.area_code = Some(area("415"));
    let first = t.client.search_available(&q).await.unwrap();
    assert_eq!(first[0].phone_number.as_str(), "+14155550104");
    assert!(!first[0].capabilities.sms, "the sandbox has it voice-only");

    let bought = t
        .client
        .purchase(&purchase(PurchaseTarget::us_local(area("415"))))
        .await
        .unwrap();
    assert_eq!(bought.phone_number.as_str(), "+14155550105");
    assert!(bought.capabilities.sms);
}
