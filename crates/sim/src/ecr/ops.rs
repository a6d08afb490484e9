//! What the ECR API does to the registry: `PutImage` (a push, or a new tag on an image that is
//! there) and `BatchDeleteImage`, with the API's exceptions in its words. Pure: the console
//! checks a command with them before it acts, the controller applies them. Sources: ECR API
//! Reference (PutImage, BatchDeleteImage, ImageFailure), ECR User Guide "Image tag mutability";
//! docs/rules/ecr.md.

use super::{Image, Registry, digest};
use crate::scenario::spec::TagMutability;

/// A service exception: its code and message, as `An error occurred (<code>) when calling the
/// <Operation> operation: <message>` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrError {
    pub code: &'static str,
    pub message: String,
}

pub fn repository_not_found(reg: &Registry, name: &str) -> EcrError {
    EcrError {
        code: "RepositoryNotFoundException",
        message: format!(
            "The repository with name '{name}' does not exist in the registry with id '{}'",
            reg.registry_id
        ),
    }
}

/// `imageId {imageDigest:'…', imageTag:'…'}` as ECR quotes an image id it cannot find.
pub fn image_not_found(
    reg: &Registry,
    repo: &str,
    tag: Option<&str>,
    dig: Option<&str>,
) -> EcrError {
    EcrError {
        code: "ImageNotFoundException",
        message: format!(
            "The image with imageId {{imageDigest:'{}', imageTag:'{}'}} does not exist within the repository with name '{repo}' in the registry with id '{}'",
            dig.unwrap_or("null"),
            tag.unwrap_or("null"),
            reg.registry_id
        ),
    }
}

/// What a push asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Push<'a> {
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    /// Tag the image with this digest (its manifest pushed again) instead of a new image.
    pub image_digest: Option<&'a str>,
    pub size_bytes: u64,
    pub packages: &'a [String],
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub repository: usize,
    pub image: usize,
    /// The image the tag was taken from (a mutable repository moves a tag).
    pub moved_from: Option<String>,
    /// A new image (not a new tag on an image that was there).
    pub new_image: bool,
}

/// Whether a push would be accepted, and where it lands; changes nothing.
pub fn check_push(reg: &Registry, p: &Push) -> Result<(usize, Option<usize>), EcrError> {
    let ri = reg
        .repository(p.repository)
        .ok_or_else(|| repository_not_found(reg, p.repository))?;
    let repo = &reg.repositories[ri];
    let target = match p.image_digest {
        Some(d) => Some(
            repo.find(None, Some(d))
                .ok_or_else(|| image_not_found(reg, p.repository, p.tag, Some(d)))?,
        ),
        None => None,
    };
    if let Some(tag) = p.tag
        && let Some(holder) = repo.find(Some(tag), None)
    {
        if Some(holder) == target {
            return Err(EcrError {
                code: "ImageAlreadyExistsException",
                message: format!(
                    "Image with digest '{}' and tag '{tag}' already exists in the repository with name '{}' in registry with id '{}'",
                    repo.images[holder].digest, repo.name, reg.registry_id
                ),
            });
        }
        if repo.mutability == TagMutability::Immutable {
            return Err(EcrError {
                code: "ImageTagAlreadyExistsException",
                message: format!(
                    "The image tag '{tag}' already exists in the '{}' repository and cannot be overwritten because the repository is immutable.",
                    repo.name
                ),
            });
        }
    }
    Ok((ri, target))
}

/// Carry out a push at `now_ms`.
pub fn push(reg: &mut Registry, p: &Push, now_ms: i64) -> Result<Pushed, EcrError> {
    let (ri, target) = check_push(reg, p)?;
    let mut moved_from = None;
    if let Some(tag) = p.tag {
        let repo = &mut reg.repositories[ri];
        if let Some(holder) = repo.find(Some(tag), None) {
            moved_from = Some(repo.images[holder].digest.clone());
            repo.images[holder].tags.retain(|t| t != tag);
        }
    }
    let image = match target {
        Some(ii) => ii,
        None => {
            reg.pushes += 1;
            let d = digest(p.repository, reg.pushes);
            let repo = &mut reg.repositories[ri];
            repo.images.push(Image {
                digest: d,
                tags: Vec::new(),
                pushed_at_ms: now_ms,
                size_bytes: p.size_bytes,
                packages: p.packages.to_vec(),
                scan: None,
            });
            repo.images.len() - 1
        }
    };
    if let Some(tag) = p.tag {
        reg.repositories[ri].images[image]
            .tags
            .push(tag.to_string());
    }
    Ok(Pushed {
        repository: ri,
        image,
        moved_from,
        new_image: target.is_none(),
    })
}

/// An image id of `batch-delete-image`: `imageTag=…` or `imageDigest=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageId {
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// What `BatchDeleteImage` did with one image id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleted {
    /// The tag came off an image that keeps other tags (ECR untags it).
    Untagged { digest: String, tag: String },
    /// The image is gone, with its tags.
    Image { digest: String, tags: Vec<String> },
    /// `failures[]`: `ImageNotFound`, `Requested image not found`.
    NotFound,
}

/// Delete by tag (only that tag, unless it was the image's last) or by digest (the image).
pub fn delete(reg: &mut Registry, ri: usize, id: &ImageId) -> Deleted {
    let repo = &mut reg.repositories[ri];
    let Some(ii) = repo.find(id.tag.as_deref(), id.digest.as_deref()) else {
        return Deleted::NotFound;
    };
    if let (Some(tag), None) = (&id.tag, &id.digest)
        && repo.images[ii].tags.len() > 1
    {
        repo.images[ii].tags.retain(|t| t != tag);
        return Deleted::Untagged {
            digest: repo.images[ii].digest.clone(),
            tag: tag.clone(),
        };
    }
    let im = repo.images.remove(ii);
    Deleted::Image {
        digest: im.digest,
        tags: im.tags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::spec::{EcrSpec, RepositoryImageSpec, RepositorySpec, ScanFrequency};

    fn registry(m: TagMutability) -> Registry {
        let spec = EcrSpec {
            repositories: vec![RepositorySpec {
                name: "web".into(),
                image_tag_mutability: m,
                scan_frequency: ScanFrequency::Manual,
                images: vec![RepositoryImageSpec {
                    tags: vec!["v1".into(), "latest".into()],
                    pushed_days_ago: 2.0,
                    size_mib: 10.0,
                    packages: Vec::new(),
                }],
                lifecycle_policy: None,
            }],
            ..EcrSpec::default()
        };
        Registry::new(&spec, "123456789012", "us-east-1")
    }

    fn p<'a>(tag: &'a str) -> Push<'a> {
        Push {
            repository: "web",
            tag: Some(tag),
            image_digest: None,
            size_bytes: 1,
            packages: &[],
        }
    }

    /// ECR User Guide, "Image tag mutability": an immutable repository refuses a push of a
    /// tag it has.
    #[test]
    fn immutable_repository_refuses_an_existing_tag() {
        let mut reg = registry(TagMutability::Immutable);
        let e = push(&mut reg, &p("latest"), 0).unwrap_err();
        assert_eq!(e.code, "ImageTagAlreadyExistsException");
        assert_eq!(
            e.message,
            "The image tag 'latest' already exists in the 'web' repository and cannot be overwritten because the repository is immutable."
        );
        assert_eq!(reg.repositories[0].images.len(), 1);
        assert!(push(&mut reg, &p("v2"), 0).is_ok());
    }

    /// A mutable repository moves the tag; the old image keeps its other tags.
    #[test]
    fn mutable_repository_moves_the_tag() {
        let mut reg = registry(TagMutability::Mutable);
        let old = reg.repositories[0].images[0].digest.clone();
        let r = push(&mut reg, &p("latest"), 5).unwrap();
        assert_eq!(r.moved_from, Some(old));
        let images = &reg.repositories[0].images;
        assert_eq!(images[0].tags, vec!["v1".to_string()]);
        assert_eq!(images[1].tags, vec!["latest".to_string()]);
        assert_eq!(
            reg.lookup("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:latest"),
            super::super::Lookup::Found(0, 1)
        );
    }

    #[test]
    fn delete_by_tag_untags_and_by_digest_removes() {
        let mut reg = registry(TagMutability::Mutable);
        let id = |t: &str| ImageId {
            tag: Some(t.into()),
            digest: None,
        };
        assert!(matches!(
            delete(&mut reg, 0, &id("latest")),
            Deleted::Untagged { .. }
        ));
        assert!(matches!(
            delete(&mut reg, 0, &id("latest")),
            Deleted::NotFound
        ));
        assert!(matches!(
            delete(&mut reg, 0, &id("v1")),
            Deleted::Image { .. }
        ));
        assert!(reg.repositories[0].images.is_empty());
        assert!(reg.missing("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1"));
        assert!(!reg.missing("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1"));
        assert!(!reg.missing("nginx:1.25"));
    }
}
