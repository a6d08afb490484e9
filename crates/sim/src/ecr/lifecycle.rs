//! Lifecycle policy rules as pure functions: which images a policy expires, and which policies
//! ECR refuses. Source: ECR User Guide, "Lifecycle policies"
//! (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html), "Lifecycle
//! policy properties" (lifecycle_policy_parameters.html) and "Examples of lifecycle policies"
//! (lifecycle_policy_examples.html). docs/rules/ecr.md#lifecycle-policies.

use crate::scenario::spec::{CountType, LifecycleRuleSpec, TagStatus};

const DAY_MS: i64 = 86_400_000;

/// What a rule looks at of an image: its tags and when it was pushed (milliseconds since the
/// scenario started; negative before it).
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub tags: &'a [String],
    pub pushed_at_ms: i64,
}

/// An image a policy expires: its index among the candidates and the rule that expires it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    pub image: usize,
    pub rule_priority: u32,
}

/// `*` matches zero or more characters; everything else matches itself.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether a rule's selection takes the image (its tag status and, for tagged rules, every
/// prefix or pattern of the list matched by one of its tags).
pub fn selects(rule: &LifecycleRuleSpec, tags: &[String]) -> bool {
    match rule.tag_status {
        TagStatus::Any => true,
        TagStatus::Untagged => tags.is_empty(),
        TagStatus::Tagged => {
            !tags.is_empty()
                && rule
                    .tag_prefix_list
                    .iter()
                    .all(|p| tags.iter().any(|t| t.starts_with(p.as_str())))
                && rule
                    .tag_pattern_list
                    .iter()
                    .all(|p| tags.iter().any(|t| wildcard_match(p, t)))
        }
    }
}

/// The images `rules` expire at `now_ms`, oldest first.
///
/// 1. Every rule looks at every image at once: `imageCountMoreThan N` marks its matches after
///    the N most recently pushed; `sinceImagePushed N days` marks its matches pushed more than
///    N days ago.
/// 2. The rules then act lowest `rulePriority` first. An image selected by a rule belongs to
///    it: a rule of lower priority (a larger number) never expires it, whether or not the rule
///    that holds it marked it.
pub fn evaluate(rules: &[LifecycleRuleSpec], images: &[Candidate], now_ms: i64) -> Vec<Expiry> {
    let mut order: Vec<&LifecycleRuleSpec> = rules.iter().collect();
    order.sort_by_key(|r| r.rule_priority);
    let mut claimed = vec![false; images.len()];
    let mut out = Vec::new();
    for rule in order {
        let mut matches: Vec<usize> = (0..images.len())
            .filter(|&i| selects(rule, images[i].tags))
            .collect();
        // Newest first; among equal push times the later pushed (larger index) is newer.
        matches.sort_by_key(|&i| {
            (
                std::cmp::Reverse(images[i].pushed_at_ms),
                std::cmp::Reverse(i),
            )
        });
        let n = rule.count_number as usize;
        let marked: Vec<usize> = match rule.count_type {
            CountType::ImageCountMoreThan => matches.iter().skip(n).copied().collect(),
            CountType::SinceImagePushed => matches
                .iter()
                .copied()
                .filter(|&i| {
                    now_ms - images[i].pushed_at_ms > i64::from(rule.count_number) * DAY_MS
                })
                .collect(),
        };
        for &i in &marked {
            if !claimed[i] {
                out.push(Expiry {
                    image: i,
                    rule_priority: rule.rule_priority,
                });
            }
        }
        for i in matches {
            claimed[i] = true;
        }
    }
    out.sort_by_key(|e| (images[e.image].pushed_at_ms, e.image));
    out
}

/// Why ECR refuses a policy, in its words (`InvalidParameterException: … Lifecycle policy
/// validation failure: …`); one message per problem, with the index of the rule it is about.
pub fn problems(rules: &[LifecycleRuleSpec]) -> Vec<(usize, &'static str, String)> {
    let mut out = Vec::new();
    let max_priority = rules.iter().map(|r| r.rule_priority).max().unwrap_or(0);
    let mut untagged = 0;
    let mut prefixes: Vec<&str> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if rules[..i]
            .iter()
            .any(|o| o.rule_priority == r.rule_priority)
        {
            out.push((
                i,
                "rule_priority",
                format!(
                    "rulePriority {} is used by another rule; each rule needs its own (gaps are allowed)",
                    r.rule_priority
                ),
            ));
        }
        if r.rule_priority == 0 {
            out.push((i, "rule_priority", "rulePriority must be 1 or more".into()));
        }
        if r.count_number == 0 {
            out.push((i, "count_number", "countNumber must be 1 or more".into()));
        }
        let lists = !r.tag_prefix_list.is_empty() || !r.tag_pattern_list.is_empty();
        match r.tag_status {
            TagStatus::Tagged if !lists => out.push((
                i,
                "tag_status",
                "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.".into(),
            )),
            TagStatus::Untagged | TagStatus::Any if lists => out.push((
                i,
                "tag_status",
                "tagPrefixList and tagPatternList are allowed only when tagStatus=TAGGED".into(),
            )),
            _ => {}
        }
        if !r.tag_prefix_list.is_empty() && !r.tag_pattern_list.is_empty() {
            out.push((
                i,
                "tag_pattern_list",
                "a rule takes tagPrefixList or tagPatternList, not both".into(),
            ));
        }
        if r.tag_status == TagStatus::Any && r.rule_priority != max_priority {
            out.push((
                i,
                "tag_status",
                "Rule for tagStatus=ANY must have the lowest priority (the largest rulePriority)"
                    .into(),
            ));
        }
        if r.tag_status == TagStatus::Untagged {
            untagged += 1;
            if untagged == 2 {
                out.push((
                    i,
                    "tag_status",
                    "Only one rule can select Untagged images".into(),
                ));
            }
        }
        match (r.count_type, r.count_unit) {
            (CountType::SinceImagePushed, None) => out.push((
                i,
                "count_unit",
                "countUnit (days) is required when countType=sinceImagePushed".into(),
            )),
            (CountType::ImageCountMoreThan, Some(_)) => out.push((
                i,
                "count_unit",
                "countUnit is allowed only when countType=sinceImagePushed".into(),
            )),
            _ => {}
        }
        for p in &r.tag_pattern_list {
            if p.matches('*').count() > 4 {
                out.push((
                    i,
                    "tag_pattern_list",
                    format!("tag pattern \"{p}\" has more than 4 wildcards (*)"),
                ));
            }
        }
        for p in &r.tag_prefix_list {
            if prefixes.contains(&p.as_str()) {
                out.push((
                    i,
                    "tag_prefix_list",
                    format!("tag prefix \"{p}\" is used by another rule; prefixes must be unique across rules"),
                ));
            }
        }
        prefixes.extend(r.tag_prefix_list.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::spec::CountUnit;

    fn keep(priority: u32, prefixes: &[&str], n: u32) -> LifecycleRuleSpec {
        LifecycleRuleSpec {
            rule_priority: priority,
            description: String::new(),
            tag_status: TagStatus::Tagged,
            tag_prefix_list: prefixes.iter().map(|s| s.to_string()).collect(),
            tag_pattern_list: Vec::new(),
            count_type: CountType::ImageCountMoreThan,
            count_unit: None,
            count_number: n,
        }
    }

    fn older_than(
        priority: u32,
        status: TagStatus,
        prefixes: &[&str],
        days: u32,
    ) -> LifecycleRuleSpec {
        LifecycleRuleSpec {
            tag_status: status,
            count_type: CountType::SinceImagePushed,
            count_unit: Some(CountUnit::Days),
            ..keep(priority, prefixes, days)
        }
    }

    fn tags(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    /// Days ago → push time in ms before now = 0.
    fn run(rules: &[LifecycleRuleSpec], images: &[(Vec<String>, f64)]) -> Vec<usize> {
        let c: Vec<Candidate> = images
            .iter()
            .map(|(t, d)| Candidate {
                tags: t,
                pushed_at_ms: -(d * DAY_MS as f64) as i64,
            })
            .collect();
        let mut e: Vec<usize> = evaluate(rules, &c, 0).iter().map(|e| e.image).collect();
        e.sort();
        e
    }

    fn abc() -> Vec<(Vec<String>, f64)> {
        vec![
            (tags(&["beta-1", "prod-1"]), 10.0),
            (tags(&["beta-2", "prod-2"]), 9.0),
            (tags(&["beta-3"]), 8.0),
        ]
    }

    /// Lifecycle policy examples, "Filtering on multiple rules", first example: only A
    /// expires; B is beyond the beta rule's count but its prod tag puts it under rule 1.
    #[test]
    fn multiple_rules_prod_first_expires_only_a() {
        let rules = [keep(1, &["prod"], 1), keep(2, &["beta"], 1)];
        assert_eq!(run(&rules, &abc()), vec![0]);
    }

    /// Same images, the rules swapped: A and B expire.
    #[test]
    fn multiple_rules_beta_first_expires_a_and_b() {
        let rules = [keep(1, &["beta"], 1), keep(2, &["prod"], 1)];
        assert_eq!(run(&rules, &abc()), vec![0, 1]);
    }

    /// "Filtering on multiple tags in a single rule": both prefixes must match; only C is
    /// older than 5 days and carries both.
    #[test]
    fn several_prefixes_must_all_match() {
        let images = vec![
            (tags(&["alpha-1"]), 12.0),
            (tags(&["beta-1"]), 11.0),
            (tags(&["alpha-2", "beta-2"]), 10.0),
            (tags(&["alpha-3"]), 4.0),
            (tags(&["beta-3"]), 3.0),
            (tags(&["alpha-4", "beta-4"]), 2.0),
        ];
        let rules = [older_than(1, TagStatus::Tagged, &["alpha", "beta"], 5)];
        assert_eq!(run(&rules, &images), vec![2]);
    }

    /// "Filtering on all images": A by rule 1, B by rule 2, D by rule 3; C is held by rule 1
    /// and E by rule 2. (The guide gives D and E both as a day old, E pushed last.)
    #[test]
    fn any_rule_cannot_expire_images_held_by_higher_rules() {
        let images = vec![
            (tags(&["alpha-1", "beta-1"]), 4.0),
            (tags(&[]), 3.0),
            (tags(&["alpha-2"]), 2.0),
            (tags(&["git-hash"]), 1.0),
            (tags(&[]), 1.0),
        ];
        let rules = [
            keep(1, &["alpha"], 1),
            older_than(2, TagStatus::Untagged, &[], 1),
            LifecycleRuleSpec {
                tag_status: TagStatus::Any,
                tag_prefix_list: Vec::new(),
                ..keep(3, &[], 1)
            },
        ];
        assert_eq!(run(&rules, &images), vec![0, 1, 3]);
    }

    #[test]
    fn wildcards_match_zero_or_more_characters() {
        assert!(wildcard_match("prod*", "prod"));
        assert!(wildcard_match("prod*", "prod-2"));
        assert!(wildcard_match("*test*1*2*3", "xtest-1-2-3"));
        assert!(!wildcard_match("prod*", "xprod"));
        assert!(wildcard_match("v*-rc", "v1.2-rc"));
        assert!(!wildcard_match("v*-rc", "v1.2-rc1"));
    }

    /// lifecycle_policy_parameters: at most four wildcards per pattern.
    #[test]
    fn patterns_take_at_most_four_wildcards() {
        let mut ok = keep(1, &[], 1);
        ok.tag_pattern_list = tags(&["*test*1*2*3"]);
        assert!(problems(&[ok.clone()]).is_empty());
        ok.tag_pattern_list = tags(&["test*1*2*3*4*5*6"]);
        assert_eq!(problems(&[ok])[0].1, "tag_pattern_list");
    }

    #[test]
    fn any_must_come_last_and_one_untagged_rule() {
        let any = LifecycleRuleSpec {
            tag_status: TagStatus::Any,
            tag_prefix_list: Vec::new(),
            ..keep(1, &[], 1)
        };
        let p = problems(&[any, keep(2, &["v"], 3)]);
        assert!(p[0].2.starts_with("Rule for tagStatus=ANY"), "{p:?}");
        let u1 = older_than(1, TagStatus::Untagged, &[], 1);
        let u2 = older_than(2, TagStatus::Untagged, &[], 2);
        let p = problems(&[u1, u2]);
        assert_eq!(p[0].2, "Only one rule can select Untagged images");
    }

    #[test]
    fn tagged_needs_a_list() {
        let p = problems(&[keep(1, &[], 1)]);
        assert_eq!(
            p[0].2,
            "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED."
        );
    }
}
