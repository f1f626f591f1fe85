// OpenLex C# binding: the result types of the LexActivator methods (field names as in the
// vendor's .NET wrapper).
// SPDX-License-Identifier: MIT OR Apache-2.0
using System.Collections.Generic;

namespace Cryptlex
{
    /// <summary>Initial and current activation mode ("online" / "offline").</summary>
    public class ActivationMode
    {
        public string InitialMode;
        public string CurrentMode;

        public ActivationMode(string initialMode, string currentMode)
        {
            InitialMode = initialMode;
            CurrentMode = currentMode;
        }
    }

    /// <summary>A license meter attribute: allowed (-1 = unlimited), total and gross uses.</summary>
    public class LicenseMeterAttribute
    {
        public string Name;
        public long AllowedUses;
        public ulong TotalUses;
        public ulong GrossUses;

        public LicenseMeterAttribute(string name, long allowedUses, ulong totalUses, ulong grossUses)
        {
            Name = name;
            AllowedUses = allowedUses;
            TotalUses = totalUses;
            GrossUses = grossUses;
        }
    }

    /// <summary>A product version feature flag.</summary>
    public class ProductVersionFeatureFlag
    {
        public string Name;
        public bool Enabled;
        public string Data;

        public ProductVersionFeatureFlag(string name, bool enabled, string data)
        {
            Name = name;
            Enabled = enabled;
            Data = data;
        }
    }

    /// <summary>A feature entitlement of the license.</summary>
    public class FeatureEntitlement
    {
        public string FeatureName;
        public string FeatureDisplayName;
        public string Value;
        public string BaseValue;
        /// <summary>Expiry (unix seconds), 0 = none.</summary>
        public long ExpiresAt;

        internal static FeatureEntitlement From(Dictionary<string, object> o)
        {
            return new FeatureEntitlement
            {
                FeatureName = Json.S(o, "featureName"),
                FeatureDisplayName = Json.S(o, "featureDisplayName"),
                Value = Json.S(o, "value"),
                BaseValue = Json.S(o, "baseValue"),
                ExpiresAt = Json.L(o, "expiresAt"),
            };
        }
    }

    /// <summary>The license organization's address.</summary>
    public class OrganizationAddress
    {
        public string AddressLine1;
        public string AddressLine2;
        public string City;
        public string State;
        public string Country;
        public string PostalCode;

        internal static OrganizationAddress From(Dictionary<string, object> o)
        {
            return new OrganizationAddress
            {
                AddressLine1 = Json.S(o, "addressLine1"),
                AddressLine2 = Json.S(o, "addressLine2"),
                City = Json.S(o, "city"),
                State = Json.S(o, "state"),
                Country = Json.S(o, "country"),
                PostalCode = Json.S(o, "postalCode"),
            };
        }
    }

    /// <summary>A metadata key/value pair.</summary>
    public class Metadata
    {
        public string Key;
        public string Value;
    }

    /// <summary>A license of the authenticated user (GetUserLicenses).</summary>
    public class UserLicense
    {
        /// <summary>Allowed activations, -1 = unlimited.</summary>
        public long AllowedActivations;
        /// <summary>Allowed deactivations, -1 = unlimited.</summary>
        public long AllowedDeactivations;
        public string Key;
        public string Type;
        public uint TotalActivations;
        public uint TotalDeactivations;
        public List<Metadata> Metadata = new List<Metadata>();

        internal static UserLicense From(Dictionary<string, object> o)
        {
            var u = new UserLicense
            {
                AllowedActivations = Json.L(o, "allowedActivations"),
                AllowedDeactivations = Json.L(o, "allowedDeactivations"),
                Key = Json.S(o, "key"),
                Type = Json.S(o, "type"),
                TotalActivations = (uint)Json.L(o, "totalActivations"),
                TotalDeactivations = (uint)Json.L(o, "totalDeactivations"),
            };
            foreach (var m in Json.A(o, "metadata"))
            {
                var d = m as Dictionary<string, object>;
                if (d != null) u.Metadata.Add(new Metadata { Key = Json.S(d, "key"), Value = Json.S(d, "value") });
            }
            return u;
        }
    }

    /// <summary>Where the library stores its data (GetDataStoreInfo).</summary>
    public class DataStoreInfo
    {
        /// <summary>"file" or "in-memory".</summary>
        public string StorageKind;
        /// <summary>"la-user", "la-system", "la-all-users" or "la-in-memory".</summary>
        public string PermissionFlag;
        public bool IsCustomDataDirectory;
        public string Path;

        internal static DataStoreInfo From(Dictionary<string, object> o)
        {
            return new DataStoreInfo
            {
                StorageKind = Json.S(o, "storageKind"),
                PermissionFlag = Json.S(o, "permissionFlag"),
                IsCustomDataDirectory = Json.B(o, "isCustomDataDirectory"),
                Path = Json.S(o, "path"),
            };
        }
    }

    /// <summary>Result of LookupLicense: the key and its license type.</summary>
    public class LicenseLookupInfo
    {
        public string Key;
        public string Type;

        internal static LicenseLookupInfo From(Dictionary<string, object> o)
        {
            return new LicenseLookupInfo { Key = Json.S(o, "key"), Type = Json.S(o, "type") };
        }
    }

    /// <summary>A file of a release.</summary>
    public class ReleaseFile
    {
        public uint Size;
        public uint Downloads;
        public bool Secured;
        public string Id;
        public string Name;
        public string Url;
        public string Extension;
        public string Checksum;
        public string ReleaseId;
        public string CreatedAt;
        public string UpdatedAt;

        internal static ReleaseFile From(Dictionary<string, object> o)
        {
            return new ReleaseFile
            {
                Size = (uint)Json.L(o, "size"),
                Downloads = (uint)Json.L(o, "downloads"),
                Secured = Json.B(o, "secured"),
                Id = Json.S(o, "id"),
                Name = Json.S(o, "name"),
                Url = Json.S(o, "url"),
                Extension = Json.S(o, "extension"),
                Checksum = Json.S(o, "checksum"),
                ReleaseId = Json.S(o, "releaseId"),
                CreatedAt = Json.S(o, "createdAt"),
                UpdatedAt = Json.S(o, "updatedAt"),
            };
        }
    }

    /// <summary>A product release (CheckReleaseUpdate).</summary>
    public class Release
    {
        public uint Totalfiles;
        public bool IsPrivate;
        public bool Published;
        public string Id;
        public string CreatedAt;
        public string UpdatedAt;
        public string Name;
        public string Channel;
        public string Version;
        public string Notes;
        public string PublishedAt;
        public string ProductId;
        public List<string> Platforms = new List<string>();
        public List<ReleaseFile> Files = new List<ReleaseFile>();

        internal static Release From(Dictionary<string, object> o)
        {
            var r = new Release
            {
                Totalfiles = (uint)Json.L(o, "totalFiles"),
                IsPrivate = Json.B(o, "isPrivate") || Json.B(o, "private"),
                Published = Json.B(o, "published"),
                Id = Json.S(o, "id"),
                CreatedAt = Json.S(o, "createdAt"),
                UpdatedAt = Json.S(o, "updatedAt"),
                Name = Json.S(o, "name"),
                Channel = Json.S(o, "channel"),
                Version = Json.S(o, "version"),
                Notes = Json.S(o, "notes"),
                PublishedAt = Json.S(o, "publishedAt"),
                ProductId = Json.S(o, "productId"),
            };
            foreach (var p in Json.A(o, "platforms"))
                if (p != null) r.Platforms.Add(p.ToString());
            foreach (var f in Json.A(o, "files"))
            {
                var d = f as Dictionary<string, object>;
                if (d != null) r.Files.Add(ReleaseFile.From(d));
            }
            return r;
        }
    }
}
