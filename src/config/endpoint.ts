/**
 * The CCE base URL: an explicit endpoint, or `https://cce.{region}.{cloud}`.
 */
import { isIP } from "node:net";
import { passed, refused, type Checked } from "./checked";

/** The default cloud domain of Huawei Cloud. */
export const DEFAULT_CLOUD = "myhuaweicloud.com";

/**
 * Huawei Cloud's European regions live under their own domain (`cce.eu-west-101.myhuaweicloud.eu`);
 * the Terraform provider switches for regions starting with `eu-west-1`.
 */
export function defaultCloudForRegion(region: string): string {
  return region.startsWith("eu-west-1") ? "myhuaweicloud.eu" : DEFAULT_CLOUD;
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Loopback hosts are the only ones that may be reached over plain `http:` (the bundled emulator). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1";
  return false;
}

/** Validates an explicit endpoint and returns it without a trailing slash. */
export function checkEndpoint(raw: string, field = "endpoint"): Checked<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refused(field, "is not an absolute URL (expected e.g. https://cce.ap-southeast-1.myhuaweicloud.com)");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return refused(field, `uses the unsupported scheme ${JSON.stringify(url.protocol)}; use https:`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return refused(field, "uses http: for a non-loopback host; credentials would cross the network in clear, use https:");
  }
  if (url.username !== "" || url.password !== "") {
    return refused(field, "must not carry credentials in the URL; use stack config or environment variables");
  }
  if (url.search !== "" || url.hash !== "") {
    return refused(field, "must not have a query or fragment");
  }
  return passed(`${url.origin}${url.pathname.replace(/\/+$/, "")}`);
}

export function checkRegion(region: string, field = "region"): Checked<string> {
  return REGION.test(region)
    ? passed(region)
    : refused(field, `${JSON.stringify(region.slice(0, 64))} is not a region name such as ap-southeast-1`);
}

export function checkCloud(cloud: string, field = "cloud"): Checked<string> {
  return DOMAIN.test(cloud)
    ? passed(cloud.toLowerCase())
    : refused(field, `${JSON.stringify(cloud.slice(0, 64))} is not a domain such as myhuaweicloud.com`);
}

/**
 * Validates an IAM URL (`huaweicloud:authUrl` / `HW_AUTH_URL`) as the endpoint is validated, and
 * requires the `/v3` the Terraform provider's default ends with: the sign-in is `{authUrl}/auth/tokens`
 * and the agency call `/v3.0/OS-CREDENTIAL/securitytokens` beside it.
 */
export function checkAuthUrl(raw: string, field = "authUrl"): Checked<string> {
  const checked = checkEndpoint(raw, field);
  if (!checked.ok) return checked;
  if (!checked.value.endsWith("/v3")) {
    return refused(field, "must be IAM's v3 URL, ending in /v3 (e.g. https://iam.ap-southeast-1.myhuaweicloud.com/v3)");
  }
  return checked;
}

/** The Terraform provider's default IAM URL: `https://iam.{region}.{cloud}/v3`. */
export function regionalAuthUrl(region: string, cloud: string): string {
  return `https://iam.${region}.${cloud}/v3`;
}

/**
 * The IAM URL of a password sign-in or an agency: the explicit setting, else
 * `https://iam.{region}.{cloud}/v3`. With an explicit CCE endpoint and no region there is none:
 * the endpoint's host says nothing reliable about IAM's (a proxy, a VPC endpoint, the emulator).
 * `names` are the setting's config key and env variable, for the message.
 */
export function resolveAuthUrl(
  settings: { explicit?: string; region?: string; cloud?: string },
  names: { authUrl: string; region: string },
): Checked<string> {
  if (settings.explicit !== undefined) return checkAuthUrl(settings.explicit);
  if (settings.region === undefined) {
    return refused(
      "authUrl",
      `is not set, and there is no region to derive it from: a password sign-in or an agency needs IAM. Set ${names.authUrl} ` +
        `(e.g. https://iam.ap-southeast-1.myhuaweicloud.com/v3), or ${names.region}`,
    );
  }
  const region = checkRegion(settings.region);
  if (!region.ok) return region;
  const cloud = settings.cloud === undefined ? passed(defaultCloudForRegion(region.value)) : checkCloud(settings.cloud);
  return cloud.ok ? passed(regionalAuthUrl(region.value, cloud.value)) : cloud;
}

/** `https://cce.{region}.{cloud}`. */
export function regionalEndpoint(region: string, cloud: string): string {
  return `https://cce.${region}.${cloud}`;
}
