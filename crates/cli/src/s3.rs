//! Object storage (Amazon S3 and compatible servers: Garage, MinIO, Ceph, the clouds'): where
//! `gufen publish` sends audit bundles and where `gufen audit s3://…` and `gufen witness cosign
//! --from s3://…` read them, object by object, as the checks need them.
//!
//! Requests are signed by rusty-s3 (AWS Signature V4 presigned URLs, computed without I/O) and
//! sent by ureq, blocking; there is no async runtime. Every upload carries its Content-MD5, so a
//! body damaged on the way is refused by the server rather than stored.
//!
//! Where and who, as the AWS tools read them: the location is `s3://BUCKET/PREFIX`; the endpoint
//! is `--endpoint`, else `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, else Amazon's for the
//! region; the region is `AWS_REGION` or `AWS_DEFAULT_REGION` (default `us-east-1`); the
//! credentials are `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`. Reads
//! without credentials are sent unsigned (a public bucket, which holds only the tiles, the
//! charter and the checkpoint: entry bundles go to an access-controlled one). Buckets are addressed by path
//! (`ENDPOINT/BUCKET/KEY`) with `--path-style`, and always for an endpoint that is an IP
//! address or `localhost` (no bucket name can go in front of those); otherwise by virtual
//! host (`BUCKET.ENDPOINT/KEY`), as Amazon asks.

use anyhow::{anyhow, bail, Result};
use clap::Args;
use gufen_ledger::bundle::BundleFiles;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use std::time::Duration;

/// How an object storage location is written.
pub const SCHEME: &str = "s3://";

/// How long a signed request stays valid: long enough for a large object on a slow line.
const SIGNED_FOR: Duration = Duration::from_secs(3600);
/// The largest object read: a full entry bundle of records of the largest size a record may
/// have, with their length prefixes.
const OBJECT_BYTES_MAX: u64 = 256 * (gufen_ledger::record::RECORD_BYTES_MAX as u64 + 4);
/// Attempts of one request: a server's 5xx answer or a dropped connection is tried again.
const ATTEMPTS: u32 = 3;

/// The connection flags every command that reaches object storage takes.
#[derive(Args, Debug, Clone, Default)]
pub struct S3Args {
    /// The object storage's endpoint URL (default: AWS_ENDPOINT_URL, else Amazon S3 in AWS_REGION)
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Address the bucket by path (ENDPOINT/BUCKET/KEY), as self-hosted servers on a loopback or
    /// private address need; always so for an IP address or localhost
    #[arg(long)]
    pub path_style: bool,
}

/// `s3://BUCKET/PREFIX`: a bucket and a key prefix (no leading or trailing `/`; may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: String,
    pub prefix: String,
}

impl Location {
    /// The location `text` names, None when it does not start with `s3://`.
    pub fn parse(text: &str) -> Option<Result<Location>> {
        let rest = text.strip_prefix(SCHEME)?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_bucket {
            return Some(Err(anyhow!(
                "{text} is not an object storage location: write s3://BUCKET/PREFIX, with a bucket name of 3 to 63 lower-case letters, digits, dots and hyphens"
            )));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|part| part == "." || part == "..") || prefix.contains("//") {
            return Some(Err(anyhow!(
                "{text} is not an object storage location: its prefix has an empty, `.` or `..` part"
            )));
        }
        Some(Ok(Location {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        }))
    }

    /// The object key of `relative` under this location.
    pub fn key(&self, relative: &str) -> String {
        if self.prefix.is_empty() {
            relative.to_string()
        } else {
            format!("{}/{relative}", self.prefix)
        }
    }

    /// The location of `name` under this one (a collective's bundle under a publication).
    pub fn join(&self, name: &str) -> Location {
        Location {
            bucket: self.bucket.clone(),
            prefix: self.key(name),
        }
    }

    /// The URL of `relative` under this location, as messages name it.
    pub fn url(&self, relative: &str) -> String {
        format!("{SCHEME}{}/{}", self.bucket, self.key(relative))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "{SCHEME}{}", self.bucket)
        } else {
            write!(f, "{SCHEME}{}/{}", self.bucket, self.prefix)
        }
    }
}

/// The environment variable `name`, None when unset or blank (as the AWS tools read them).
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A bucket on an object storage server, with the credentials requests are signed with.
pub struct Client {
    bucket: Bucket,
    credentials: Option<Credentials>,
    agent: ureq::Agent,
}

impl Client {
    /// The bucket of `location` on the server `flags` and the environment name. Publishing
    /// needs credentials (`writes`); reading goes unsigned without them.
    pub fn connect(location: &Location, flags: &S3Args, writes: bool) -> Result<Client> {
        let region = env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".to_string());
        let endpoint = flags
            .endpoint
            .clone()
            .or_else(|| env("AWS_ENDPOINT_URL_S3"))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        let url: url::Url = endpoint
            .parse()
            .map_err(|e| anyhow!("the endpoint {endpoint} is not a URL: {e}"))?;
        let host = url.host_str().unwrap_or_default();
        let host_is_address = host == "localhost"
            || host.starts_with('[')
            || host.parse::<std::net::IpAddr>().is_ok();
        let style = if flags.path_style || host_is_address {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(url, style, location.bucket.clone(), region).map_err(|e| {
            anyhow!(
                "the endpoint {endpoint} cannot address the bucket {}: {e}",
                location.bucket
            )
        })?;
        let credentials = Credentials::from_env();
        if writes && credentials.is_none() {
            bail!("no credentials for the object storage: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(600)))
            .build()
            .into();
        Ok(Client {
            bucket,
            credentials,
            agent,
        })
    }

    /// Sends a request (`call`) up to [`ATTEMPTS`] times while the server answers 5xx or the
    /// connection fails; the last answer, or why there was none.
    fn send(
        &self,
        url: &str,
        call: impl Fn() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<ureq::http::Response<ureq::Body>, String> {
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(250 << attempt));
            }
            match call() {
                Ok(response) if response.status().is_server_error() => {
                    last = answer(url, response);
                }
                Ok(response) => return Ok(response),
                Err(e) => last = format!("{url}: the object storage cannot be reached: {e}"),
            }
        }
        Err(last)
    }

    /// The object `key` into `buf` (cleared first); false when there is no such object.
    pub fn get(&self, key: &str, url: &str, buf: &mut Vec<u8>) -> Result<bool, String> {
        buf.clear();
        let signed = self
            .bucket
            .get_object(self.credentials.as_ref(), key)
            .sign(SIGNED_FOR);
        let response = self.send(url, || self.agent.get(signed.as_str()).call())?;
        match response.status().as_u16() {
            200 => {}
            404 => return Ok(false),
            _ => return Err(answer(url, response)),
        }
        let body = response
            .into_body()
            .into_with_config()
            .limit(OBJECT_BYTES_MAX)
            .read_to_vec()
            .map_err(|e| format!("{url}: the object cannot be read: {e}"))?;
        *buf = body;
        Ok(true)
    }

    /// Stores `bytes` as the object `key`.
    pub fn put(&self, key: &str, url: &str, bytes: &[u8]) -> Result<(), String> {
        use base64::Engine as _;
        use md5::Digest as _;
        let signed = self
            .bucket
            .put_object(self.credentials.as_ref(), key)
            .sign(SIGNED_FOR);
        let digest = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(bytes));
        let response = self.send(url, || {
            self.agent
                .put(signed.as_str())
                .header("Content-MD5", &digest)
                .header("Content-Type", "application/octet-stream")
                .send(bytes)
        })?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(answer(url, response))
        }
    }

    /// Whether the object `key` exists (HeadObject, which GetObject permission allows).
    pub fn head(&self, key: &str, url: &str) -> Result<bool, String> {
        let signed = self
            .bucket
            .head_object(self.credentials.as_ref(), key)
            .sign(SIGNED_FOR);
        let response = self.send(url, || self.agent.head(signed.as_str()).call())?;
        match response.status().as_u16() {
            200 => Ok(true),
            404 => Ok(false),
            _ => Err(answer(url, response)),
        }
    }

    /// Whether any object's key starts with `prefix` (ListObjectsV2, one key asked for).
    pub fn any_under(&self, prefix: &str, url: &str) -> Result<bool, String> {
        let mut list = self.bucket.list_objects_v2(self.credentials.as_ref());
        list.with_prefix(prefix);
        list.with_max_keys(1);
        let signed = list.sign(SIGNED_FOR);
        let response = self.send(url, || self.agent.get(signed.as_str()).call())?;
        if !response.status().is_success() {
            return Err(answer(url, response));
        }
        let text = response
            .into_body()
            .read_to_string()
            .map_err(|e| format!("{url}: the listing cannot be read: {e}"))?;
        let listing = rusty_s3::actions::ListObjectsV2::parse_response(&text)
            .map_err(|e| format!("{url}: the listing does not parse: {e}"))?;
        Ok(!listing.contents.is_empty() || !listing.common_prefixes.is_empty())
    }
}

/// An answer that is not the one asked for, in words: the status and the server's own error
/// code and message when its body carries them (S3's `<Error>` document).
fn answer(url: &str, response: ureq::http::Response<ureq::Body>) -> String {
    let status = response.status();
    let body = response
        .into_body()
        .into_with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let element = |name: &str| {
        let start = body.find(&format!("<{name}>"))? + name.len() + 2;
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].trim().to_string())
    };
    let detail = match (element("Code"), element("Message")) {
        (Some(code), Some(message)) => format!(" ({code}: {message})"),
        (Some(code), None) => format!(" ({code})"),
        _ => String::new(),
    };
    format!(
        "{url}: the object storage answered {}{detail}",
        status.as_u16()
    )
}

/// An audit bundle in object storage: the objects under a location, read as bundle files.
pub struct Bundle<'c> {
    pub client: &'c Client,
    pub location: Location,
}

impl Bundle<'_> {
    /// Stores `bytes` at the bundle path `relative`.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> Result<(), String> {
        self.client.put(
            &self.location.key(relative),
            &self.location.url(relative),
            bytes,
        )
    }

    /// The bundle file at `relative`, None when there is none.
    pub fn get(&self, relative: &str) -> Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        let found = self
            .client
            .get(
                &self.location.key(relative),
                &self.location.url(relative),
                &mut buf,
            )
            .map_err(|e| anyhow!(e))?;
        Ok(found.then_some(buf))
    }

    /// Whether the bundle file at `relative` exists (not read).
    pub fn holds(&self, relative: &str) -> Result<bool, String> {
        self.client
            .head(&self.location.key(relative), &self.location.url(relative))
    }

    /// Whether anything is stored under the location (a bundle, whole or not).
    pub fn exists(&self) -> Result<bool> {
        self.client
            .any_under(&self.location.key(""), &self.location.to_string())
            .map_err(|e| anyhow!(e))
    }
}

impl BundleFiles for Bundle<'_> {
    fn read(&self, relative: &str, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        self.client
            .get(
                &self.location.key(relative),
                &self.location.url(relative),
                buf,
            )
            .map_err(std::io::Error::other)
    }

    fn name(&self, relative: &str) -> String {
        self.location.url(relative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_name_their_objects() {
        let at = Location::parse("s3://village-logs/province/41/")
            .unwrap()
            .unwrap();
        assert_eq!(at.bucket, "village-logs");
        assert_eq!(at.prefix, "province/41");
        let bundle = at.join("N2410183MF0000001Y");
        assert_eq!(
            bundle.key("tile/0/000"),
            "province/41/N2410183MF0000001Y/tile/0/000"
        );
        assert_eq!(
            bundle.url("checkpoint"),
            "s3://village-logs/province/41/N2410183MF0000001Y/checkpoint"
        );
        let bare = Location::parse("s3://logs").unwrap().unwrap();
        assert_eq!(bare.key("checkpoint"), "checkpoint");
        assert_eq!(bare.to_string(), "s3://logs");
        assert!(Location::parse("/tmp/bundle").is_none());
        for bad in [
            "s3://",
            "s3://A_B/x",
            "s3://ab",
            "s3://logs/a/../b",
            "s3://logs/a//b",
        ] {
            assert!(Location::parse(bad).unwrap().is_err(), "{bad}");
        }
    }
}
