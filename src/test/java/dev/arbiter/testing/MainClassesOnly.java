package dev.arbiter.testing;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

/**
 * Architecture rules judge the shipped classes: neither module's tests, whether the verifiers' test
 * classes arrive as a folder (in one reactor build) or as their test jar (building the application alone).
 */
public final class MainClassesOnly implements ImportOption {
    private final ImportOption noTestFolders = new DoNotIncludeTests();

    @Override
    public boolean includes(Location location) {
        return noTestFolders.includes(location) && !location.contains("-tests.jar");
    }
}
