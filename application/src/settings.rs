use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::organization::OrganizationCommand;
use switchboard_domain::{BusinessHours, OrganizationId, Settings, TimeRange, TimeZone, E164};

use crate::{AppError, OrganizationDetails, RequestContext, Switchboard};

/// A change to an organization's settings: `None` leaves a field as it is, `Some(None)` clears it
/// (back to the default).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsChanges {
    /// Welcome text.
    pub welcome_message: Option<Option<String>>,
    /// Away text.
    pub away_message: Option<Option<String>>,
    /// Help text.
    pub help_message: Option<Option<String>>,
    /// Quota-exhausted text.
    pub quota_exhausted_message: Option<Option<String>>,
    /// IANA time zone.
    pub time_zone: Option<Option<TimeZone>>,
    /// Weekly schedule (Monday first); already checked for overlaps.
    pub business_hours: Option<Option<[Vec<TimeRange>; 7]>>,
    /// Billing day, 1 to 28.
    pub billing_day: Option<Option<u32>>,
    /// Greeting spoken to callers.
    pub voice_greeting: Option<Option<String>>,
    /// Language of spoken texts (`en-US`, `es-MX`…); already checked.
    pub voice_language: Option<Option<String>>,
    /// `<Say voice>` name; already checked.
    pub voice: Option<Option<String>>,
    /// Where calls are put through during business hours.
    pub forward_to: Option<Option<E164>>,
    /// Whether callers may leave a voicemail.
    pub voicemail: Option<Option<bool>>,
}

impl SettingsChanges {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        *self == SettingsChanges::default()
    }

    /// The settings after applying the changes to `current`.
    ///
    /// # Errors
    /// The schedule's refusal (it was validated at the edge, so only a logic error lands here).
    pub fn apply_to(
        self,
        current: &Settings,
    ) -> Result<Settings, switchboard_domain::InvalidSchedule> {
        let pick = |change: Option<Option<String>>, current: &Option<String>| match change {
            Some(value) => value,
            None => current.clone(),
        };
        let time_zone = self.time_zone.unwrap_or(current.time_zone);
        let days = match self.business_hours {
            Some(days) => days,
            None => current.business_hours.as_ref().map(|h| h.days.clone()),
        };
        let business_hours = days
            .map(|days| BusinessHours::new(time_zone.unwrap_or(TimeZone::UTC), days))
            .transpose()?;
        Ok(Settings {
            welcome_message: pick(self.welcome_message, &current.welcome_message),
            away_message: pick(self.away_message, &current.away_message),
            help_message: pick(self.help_message, &current.help_message),
            quota_exhausted_message: pick(
                self.quota_exhausted_message,
                &current.quota_exhausted_message,
            ),
            time_zone,
            business_hours,
            billing_day: self.billing_day.unwrap_or(current.billing_day),
            voice_greeting: pick(self.voice_greeting, &current.voice_greeting),
            voice_language: pick(self.voice_language, &current.voice_language),
            voice: pick(self.voice, &current.voice),
            forward_to: self
                .forward_to
                .unwrap_or_else(|| current.forward_to.clone()),
            voicemail: self.voicemail.unwrap_or(current.voicemail),
        })
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Changes an organization's messaging settings.
    ///
    /// # Errors
    /// `NotFound`/`Deleted`; [`AppError::Store`].
    #[tracing::instrument(skip(self, context))]
    pub async fn update_settings(
        &self,
        id: OrganizationId,
        changes: SettingsChanges,
        context: &RequestContext,
    ) -> Result<OrganizationDetails, AppError> {
        let org = self.active_organization(id).await?;
        let settings = changes
            .apply_to(org.settings())
            .map_err(|e| AppError::Store(crate::ports::StoreError::from_error(e)))?;
        let command = OrganizationCommand::UpdateSettings {
            settings: Box::new(settings),
            updated_at: self.clock.now(),
        };
        let org = self.run_organization(id, command, context).await?;
        OrganizationDetails::from_aggregate(&org)
    }
}
