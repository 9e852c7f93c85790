//! The three HealthNav functions and their fixed facts. A function is named
//! one way everywhere: by its Supabase slug, `sagemaker-triage`.

/// One of the guide's three edge functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelFunction {
    /// `sagemaker-triage`.
    Triage = 0,
    /// `sagemaker-image-analysis`.
    ImageAnalysis = 1,
    /// `sagemaker-risk-score`.
    RiskScore = 2,
}

impl ModelFunction {
    /// Every function, in a fixed order.
    pub const ALL: [ModelFunction; 3] = [Self::Triage, Self::ImageAnalysis, Self::RiskScore];

    /// The function of a Supabase slug, e.g. `sagemaker-triage`.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|function| function.slug() == slug)
    }

    /// The Supabase function slug.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Triage => "sagemaker-triage",
            Self::ImageAnalysis => "sagemaker-image-analysis",
            Self::RiskScore => "sagemaker-risk-score",
        }
    }

    /// The endpoint name the integration guide gives.
    pub fn guide_endpoint(self) -> &'static str {
        match self {
            Self::Triage => "medical-triage-endpoint",
            Self::ImageAnalysis => "medical-image-classifier",
            Self::RiskScore => "patient-risk-scorer",
        }
    }

    /// The function's key under `endpoints` and `allowedEndpoints` in the settings.
    pub fn settings_key(self) -> &'static str {
        match self {
            Self::Triage => "triage",
            Self::ImageAnalysis => "imageAnalysis",
            Self::RiskScore => "riskScore",
        }
    }
}
