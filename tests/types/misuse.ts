// Must NOT type-check (scripts/test.sh asserts that tsc rejects it): a misspelt config key.
import { AuthClient } from "../../pkg/tokenward.js";

export const auth = new AuthClient({ baseUrl: "https://api.example.com", timeoutMS: 5000 });
