//! The three HealthNav functions and their fixed facts.

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

    /// Accepts the short name (`triage`) or the Supabase function slug (`sagemaker-triage`).
    pub fn from_name(name: &str) -> Option<Self> {
        let short = name.strip_prefix("sagemaker-").unwrap_or(name);
        match short {
            "triage" => Some(Self::Triage),
            "image-analysis" => Some(Self::ImageAnalysis),
            "risk-score" => Some(Self::RiskScore),
            _ => None,
        }
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

    /// The key under `endpoints` in the settings.
    pub fn config_key(self) -> &'static str {
        match self {
            Self::Triage => "triage",
            Self::ImageAnalysis => "imageAnalysis",
            Self::RiskScore => "riskScore",
        }
    }
}
