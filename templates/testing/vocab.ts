// Vocabularies and fixed data shared by the simulator's services.
// Values follow /work/shared/reference/iroh-ctia-api.md §4.2 (CTIM vocabularies).

/** The 63 CTIM observable types accepted by IROH and CTIA. */
export const OBSERVABLE_TYPES: ReadonlySet<string> = new Set([
  "acudid",
  "amp_computer_guid",
  "certificate_common_name",
  "certificate_issuer",
  "certificate_serial",
  "cisco_cm_id",
  "cisco_mid",
  "cisco_uc_id",
  "cortex_agent_id",
  "crowdstrike_id",
  "cvm_id",
  "cybereason_id",
  "darktrace_id",
  "device",
  "domain",
  "email",
  "email_messageid",
  "email_subject",
  "file_name",
  "file_path",
  "google_chromebook_id",
  "google_cloud_id",
  "hostname",
  "imei",
  "imsi",
  "intune_id",
  "ip",
  "ipv6",
  "jamf_management_id",
  "mac_address",
  "md5",
  "meraki_network_id",
  "meraki_node_sn",
  "meraki_org_id",
  "ms_machine_id",
  "mutex",
  "ngfw_id",
  "ngfw_name",
  "odns_identity",
  "odns_identity_label",
  "orbital_node_id",
  "pki_serial",
  "process_args",
  "process_hash",
  "process_name",
  "process_path",
  "process_uid",
  "process_username",
  "processor_id",
  "registry_key",
  "registry_name",
  "registry_path",
  "s1_agent_id",
  "secure_access_id",
  "serial_number",
  "service_now_id",
  "sha1",
  "sha256",
  "swc_device_id",
  "trend_micro_id",
  "url",
  "user",
  "user_agent",
]);

export type Disposition = 1 | 2 | 3 | 4 | 5;

export const DISPOSITION_NAMES: Readonly<Record<Disposition, string>> = {
  1: "Clean",
  2: "Malicious",
  3: "Suspicious",
  4: "Common",
  5: "Unknown",
};

export interface Observable {
  type: string;
  value: string;
}

/** EICAR test file hashes: the classic "known bad" sample. */
export const EICAR = {
  sha256: "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
  sha1: "3395856ce81f2b7382dee72602f798b642f14140",
  md5: "44d88612fea8a8f36de82e1278abb02f",
} as const;

/**
 * Deterministic verdicts of the simulated enrichment modules, keyed `type:value` (lower case).
 * Everything not listed is 5 Unknown.
 */
export const KNOWN_DISPOSITIONS: ReadonlyMap<string, Disposition> = new Map<string, Disposition>([
  ["domain:internetbadguys.com", 2],
  ["ip:203.0.113.66", 2],
  [`sha256:${EICAR.sha256}`, 2],
  [`sha1:${EICAR.sha1}`, 2],
  [`md5:${EICAR.md5}`, 2],
  ["domain:suspicious.example.net", 3],
  ["domain:cisco.com", 1],
  ["domain:www.cisco.com", 1],
  ["ip:8.8.8.8", 4],
  ["ip:8.8.4.4", 4],
]);

/**
 * An observable with this value makes the second enrichment module ("Sim Endpoint") fail: its
 * error is reported in the envelope's `errors` array of an otherwise successful 200 answer.
 */
export const MODULE_ERROR_VALUE = "module-error.example.com";

/** Known disposition of an observable; a URL or an email inherits a listed host's verdict. */
export function dispositionOf(observable: Observable): Disposition {
  const value = observable.value.toLowerCase();
  const exact = KNOWN_DISPOSITIONS.get(`${observable.type}:${value}`);
  if (exact !== undefined) return exact;
  let host: string | undefined;
  if (observable.type === "email") host = value.slice(value.lastIndexOf("@") + 1);
  if (observable.type === "url") {
    try {
      host = new URL(value).hostname.replace(/^\[|\]$/g, "");
    } catch {
      host = undefined;
    }
  }
  if (host === undefined) return 5;
  return KNOWN_DISPOSITIONS.get(`domain:${host}`) ?? KNOWN_DISPOSITIONS.get(`ip:${host}`) ?? 5;
}
