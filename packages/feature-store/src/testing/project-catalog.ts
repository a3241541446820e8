import { fileURLToPath } from 'node:url';
import { FeatureCatalog } from '../definitions/catalog.js';
import { loadFeatureRepo } from '../definitions/load-repo.js';

export const PROJECT_FEATURE_REPO = fileURLToPath(new URL('../../../../feature-repo/', import.meta.url));

/** The project's own definitions (feature-repo/), so tests exercise the features models really use. */
export async function projectCatalog(version = 1): Promise<FeatureCatalog> {
  const { repo } = await loadFeatureRepo(PROJECT_FEATURE_REPO);
  return new FeatureCatalog(repo, version);
}
