import { iso, nodeId } from './shapes-repo.ts';
import type { RepoRecord } from './state.ts';
import type { CommitSeed, PullSeed } from './types.ts';

/** A commit as the REST API lists it (schema `commit`): compare and a pull request's commits. */
export function commitShape(base: string, repo: RepoRecord, commit: CommitSeed, parents: string[]) {
  const full = `${repo.owner}/${repo.name}`;
  const url = `${base}/repos/${full}/commits/${commit.sha}`;
  const person = (date: string) => ({ name: 'Sandbox Developer', email: 'dev@example.invalid', date });
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', parseInt(commit.sha.slice(0, 8), 16) || 1),
    url,
    html_url: `${base}/${full}/commit/${commit.sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `${base}/repos/${full}/git/commits/${commit.sha}`,
      author: person(iso(Date.parse(commit.authoredAt))),
      committer: person(iso(Date.parse(commit.committedAt ?? commit.authoredAt))),
      message: commit.message,
      comment_count: 0,
      tree: {
        sha: commit.sha.split('').reverse().join(''),
        url: `${base}/repos/${full}/git/trees/${commit.sha}`,
      },
    },
    author: null,
    committer: null,
    parents: parents.map((sha) => ({
      sha,
      url: `${base}/repos/${full}/commits/${sha}`,
      html_url: `${base}/${full}/commit/${sha}`,
    })),
  };
}

/**
 * A merged pull request with the fields Deckhand and octokit's users read (number, state, merge
 * commit, times, links); GitHub's `pull-request-simple` carries many more.
 */
export function pullShape(base: string, repo: RepoRecord, pull: PullSeed) {
  const full = `${repo.owner}/${repo.name}`;
  const url = `${base}/repos/${full}/pulls/${pull.number}`;
  const opened = pull.commits[0]?.authoredAt ?? pull.mergedAt;
  return {
    url,
    id: repo.id * 10_000 + pull.number,
    node_id: nodeId('PullRequest', repo.id * 10_000 + pull.number),
    html_url: `${base}/${full}/pull/${pull.number}`,
    number: pull.number,
    state: 'closed',
    locked: false,
    title: pull.title,
    body: null,
    created_at: iso(Date.parse(opened)),
    updated_at: iso(Date.parse(pull.mergedAt)),
    closed_at: iso(Date.parse(pull.mergedAt)),
    merged_at: iso(Date.parse(pull.mergedAt)),
    merge_commit_sha: pull.mergeCommitSha,
    commits_url: `${url}/commits`,
    draft: false,
  };
}
