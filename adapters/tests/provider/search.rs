//! `search_available` against the sandbox inventory.

use switchboard_application::ports::{ProviderError, PurchaseTarget, TelephonyProvider};
use switchboard_domain::{Capabilities, NumberType};

use crate::helpers::{area, purchase, query, spawn_sandbox};

#[tokio::test]
async fn a_search_by_area_code_returns_that_area_codes_local_numbers_with_their_details() {
    let t = spawn_sandbox().await;
    let mut q = query(NumberType::Local, 1000);
    q.area_code = Some(area("415"));
    let numbers = t.client.search_available(&q).await.unwrap();
    assert_eq!(numbers.len(), 100, "every 555-01XX line");
    assert!(numbers
        .iter()
        .all(|n| n.phone_number.as_str().starts_with("+1415")));
    let first = &numbers[0];
    assert_eq!(first.phone_number.as_str(), "+14155550100");
    assert_eq!(first.friendly_name.as_deref(), Some("(415) 555-0100"));
    assert_eq!(first.locality.as_deref(), Some("San Francisco"));
    assert_eq!(first.region.as_deref(), Some("CA"));
    assert_eq!(first.iso_country.as_deref(), Some("US"));
    assert_eq!(
        first.capabilities,
        Capabilities {
            sms: true,
            mms: true,
            voice: true
        }
    );
}

#[tokio::test]
async fn sms_enabled_filters_out_voice_only_numbers() {
    let t = spawn_sandbox().await;
    let mut q = query(NumberType::Local, 1000);
    q.area_code = Some(area("212"));
    q.sms_enabled = Some(true);
    let sms = t.client.search_available(&q).await.unwrap();
    assert_eq!(sms.len(), 80);
    assert!(sms.iter().all(|n| n.capabilities.sms));
    q.sms_enabled = Some(false);
    let voice_only = t.client.search_available(&q).await.unwrap();
    assert_eq!(voice_only.len(), 20);
    assert!(voice_only
        .iter()
        .all(|n| !n.capabilities.sms && n.capabilities.voice));
}

#[tokio::test]
async fn contains_matches_substrings_with_single_character_wildcards() {
    let t = spawn_sandbox().await;
    let mut q = query(NumberType::Local, 50);
    q.area_code = Some(area("312"));
    q.contains = Some("01*5$".into());
    let numbers: Vec<String> = t
        .client
        .search_available(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.phone_number.to_string())
        .collect();
    let expected: Vec<String> = (0..10).map(|d| format!("+131255501{d}5")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn the_limit_caps_the_results() {
    let t = spawn_sandbox().await;
    let numbers = t
        .client
        .search_available(&query(NumberType::Local, 3))
        .await
        .unwrap();
    assert_eq!(numbers.len(), 3);
}

#[tokio::test]
async fn toll_free_and_mobile_searches_use_their_own_resources() {
    let t = spawn_sandbox().await;
    let toll_free = t
        .client
        .search_available(&query(NumberType::TollFree, 1000))
        .await
        .unwrap();
    assert_eq!(toll_free.len(), 700);
    assert!(toll_free.iter().all(|n| {
        [
            "+1833", "+1844", "+1855", "+1800", "+1866", "+1877", "+1888",
        ]
        .iter()
        .any(|p| n.phone_number.as_str().starts_with(p))
    }));
    let mut gb = query(NumberType::Mobile, 1000);
    gb.country = "GB".into();
    let mobile = t.client.search_available(&gb).await.unwrap();
    assert_eq!(mobile.len(), 900);
    assert!(mobile
        .iter()
        .all(|n| n.phone_number.as_str().starts_with("+447700900")
            && n.iso_country.as_deref() == Some("GB")));
}

#[tokio::test]
async fn an_area_code_outside_north_america_keeps_its_leading_zero() {
    let t = spawn_sandbox().await;
    let mut london = query(NumberType::Local, 5);
    london.country = "GB".into();
    london.area_code = Some(area("020"));
    let numbers = t.client.search_available(&london).await.unwrap();
    assert_eq!(numbers.len(), 5);
    assert!(numbers
        .iter()
        .all(|n| n.phone_number.as_str().starts_with("+4420")));
    // Another British area code finds none of London's numbers: the code is really applied.
    let mut manchester = london.clone();
    manchester.area_code = Some(area("0161"));
    assert!(t
        .client
        .search_available(&manchester)
        .await
        .unwrap()
        .is_empty());
    // Outside the US and Canada one `Contains` cannot hold the area code and a pattern.
    london.contains = Some("946".into());
    let error = t.client.search_available(&london).await.unwrap_err();
    assert!(matches!(error, ProviderError::Unsupported(_)), "{error:?}");

    let bought = t
        .client
        .purchase(&purchase(PurchaseTarget::AreaCode {
            area_code: area("020"),
            country: "GB".into(),
            number_type: NumberType::Local,
        }))
        .await
        .unwrap();
    assert!(bought.phone_number.as_str().starts_with("+44207946"));
}
