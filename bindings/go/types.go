package lexactivator

// ReleaseFile is a downloadable file of a Release.
type ReleaseFile struct {
	Size      int    `json:"size"`
	Downloads int    `json:"downloads"`
	Secured   bool   `json:"secured"`
	Id        string `json:"id"`
	Name      string `json:"name"`
	Url       string `json:"url"`
	Extension string `json:"extension"`
	Checksum  string `json:"checksum"`
	ReleaseId string `json:"releaseId"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

// Release is the release passed to the CheckReleaseUpdate callback.
type Release struct {
	TotalFiles  int           `json:"totalFiles"`
	IsPrivate   bool          `json:"isPrivate"`
	Published   bool          `json:"published"`
	Id          string        `json:"id"`
	CreatedAt   string        `json:"createdAt"`
	UpdatedAt   string        `json:"updatedAt"`
	Name        string        `json:"name"`
	Channel     string        `json:"channel"`
	Version     string        `json:"version"`
	Notes       string        `json:"notes"`
	PublishedAt string        `json:"publishedAt"`
	ProductId   string        `json:"productId"`
	Platforms   []string      `json:"platforms"`
	Files       []ReleaseFile `json:"files"`
}

// Metadata is a key/value pair.
type Metadata struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// OrganizationAddress is the address of the license's organization.
type OrganizationAddress struct {
	AddressLine1 string `json:"addressLine1"`
	AddressLine2 string `json:"addressLine2"`
	City         string `json:"city"`
	State        string `json:"state"`
	Country      string `json:"country"`
	PostalCode   string `json:"postalCode"`
}

// FeatureEntitlement is a feature entitlement of the license.
type FeatureEntitlement struct {
	FeatureName        string `json:"featureName"`
	FeatureDisplayName string `json:"featureDisplayName"`
	Value              string `json:"value"`
	BaseValue          string `json:"baseValue"`
	// ExpiresAt is a unix timestamp (0 = never).
	ExpiresAt int64 `json:"expiresAt"`
}

// UserLicense is a license of the authenticated user (GetUserLicenses).
type UserLicense struct {
	// AllowedActivations is -1 for unlimited.
	AllowedActivations int64 `json:"allowedActivations"`
	// AllowedDeactivations is -1 for unlimited.
	AllowedDeactivations int64      `json:"allowedDeactivations"`
	Key                  string     `json:"key"`
	TotalActivations     uint32     `json:"totalActivations"`
	TotalDeactivations   uint32     `json:"totalDeactivations"`
	Type                 string     `json:"type"`
	Metadata             []Metadata `json:"metadata"`
}

// DataStoreInfo describes where the library stores its data (GetDataStoreInfo).
type DataStoreInfo struct {
	StorageKind           string `json:"storageKind"`
	PermissionFlag        string `json:"permissionFlag"`
	IsCustomDataDirectory bool   `json:"isCustomDataDirectory"`
	Path                  string `json:"path"`
}

// LicenseLookupInfo is the result of LookupLicense.
type LicenseLookupInfo struct {
	Key  string `json:"key"`
	Type string `json:"type"`
}
